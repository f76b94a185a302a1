package io.vitals.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ParametersTest {

    @Test
    void theShellsOptionsReadAsParameters() {
        assertEquals("malformed date for from: '2026-13-01'; expected an ISO date such as 2026-01-31",
                ApiServlet.parameters("malformed date for --from: '2026-13-01'; expected an ISO date such as 2026-01-31"));
        assertEquals("malformed segment 'plan'; expected key=value, e.g. segment=plan=pro segment=region=EMEA",
                ApiServlet.parameters("malformed segment 'plan'; expected key=value, e.g. --segment plan=pro --segment region=EMEA"));
        assertEquals("limit must be at least 1, got 0", ApiServlet.parameters("--limit must be at least 1, got 0"));
    }

    @Test
    void aFailureOverHttpNamesFilesWithoutTheirFolders() {
        assertEquals("KPI 'nps' failed: cannot open the store at jdbc:sqlite:vitals.db: [SQLITE_NOTADB] file is not a database",
                ApiServlet.withoutPaths("KPI 'nps' failed: cannot open the store at jdbc:sqlite:/srv/vitals/data/vitals.db:"
                        + " [SQLITE_NOTADB] file is not a database"));
        assertEquals("cannot read 'vitals.kpi.nps.cfg'", ApiServlet.withoutPaths("cannot read '/opt/vitals/etc/vitals.kpi.nps.cfg'"));
        assertEquals("a ratio 3/4 stays", ApiServlet.withoutPaths("a ratio 3/4 stays"));
    }
}
