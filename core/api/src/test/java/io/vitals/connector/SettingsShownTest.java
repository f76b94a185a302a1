package io.vitals.connector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** What connector:status and connector:list print of a source's settings: never a secret's value. */
class SettingsShownTest {

    @Test
    void aSecretThatIsNotAReferenceIsNotShownNorAPasswordInAUrl() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("apiKey", "sk_live_51Habc");
        settings.put("password", "hunter2");
        settings.put("clientSecret", "env:SF_SECRET");
        settings.put("accessToken", "file:etc/secrets.properties#hubspot");
        settings.put("url", "jdbc:postgresql://db/app?user=app&password=hunter2&ssl=true");
        settings.put("map.customer", "Account");
        settings.put("query", "x".repeat(5_000_000));
        Map<String, String> shown = SourceSettings.shown(settings);
        String hidden = "(not shown: a secret is named by reference, env:NAME or file:path#key)";
        assertEquals(hidden, shown.get("apiKey"));
        assertEquals(hidden, shown.get("password"));
        assertEquals("env:SF_SECRET", shown.get("clientSecret"));
        assertEquals("file:etc/secrets.properties#hubspot", shown.get("accessToken"));
        assertEquals("jdbc:postgresql://db/app?user=app&password=***&ssl=true", shown.get("url"));
        assertEquals("Account", shown.get("map.customer"));
        assertEquals("x".repeat(1000) + "... (5000000 characters)", shown.get("query"), "a huge value is not echoed whole");
    }
}
