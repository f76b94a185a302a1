package io.vitals.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.vitals.kpi.Period;
import io.vitals.kpi.Segment;

/** A rule file read as ConfigAdmin hands it over: defaults, names, and the mistakes it reports. */
class AlertRuleTest {

    /** The configuration annotation with these values, and the defaults for the rest (as DS builds it). */
    static AlertRule.Config config(Map<String, Object> values) {
        return (AlertRule.Config) Proxy.newProxyInstance(AlertRule.Config.class.getClassLoader(), new Class<?>[] {AlertRule.Config.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    static final String FILE = "file:/opt/vitals/etc/vitals.alert-nps-pro.cfg";

    @Test
    void aRuleFileWithDefaults() {
        AlertRule.Spec s = AlertRule.parse(config(Map.of("kpi", " nps ", "segment", "plan=pro,region=EMEA",
                "felix_fileinstall_filename", FILE)), "vitals.alert~x");
        assertNull(s.problem());
        assertEquals("nps-pro", s.name());
        assertEquals("nps", s.kpi());
        assertEquals(Segment.of(Map.of("plan", "pro", "region", "EMEA")), s.segment());
        assertEquals("plan=pro,region=EMEA", s.segmentText());
        assertEquals(List.of("log"), s.channels());
        assertEquals(2, s.confirmations());
        assertEquals(Duration.ofMinutes(60), s.quiet());
        assertNull(s.subset());
        assertEquals(new Period(LocalDate.parse("2026-05-02"), LocalDate.parse("2026-06-01")), s.periodEnding(LocalDate.parse("2026-06-01")));
        assertEquals("vitals.alert~x", AlertRule.parse(config(Map.of("kpi", "nps")), "vitals.alert~x").name(), "no file: the PID");
    }

    @Test
    void periodsChannelsAndSubsets() {
        AlertRule.Spec s = AlertRule.parse(config(Map.of("kpi", "health-score", "customers", "red", "channels", " log , slack,,",
                "period", "last-month")), "pid");
        assertEquals("red", s.subset());
        assertEquals(List.of("log", "slack"), s.channels());
        assertEquals(Period.month(2026, 5), s.periodEnding(LocalDate.parse("2026-06-17")));
        assertEquals(new Period(LocalDate.parse("2026-06-10"), LocalDate.parse("2026-06-17")),
                AlertRule.parse(config(Map.of("kpi", "nps", "period", "last-7-days")), "pid").periodEnding(LocalDate.parse("2026-06-17")));
    }

    @Test
    void mistakesAreReportedWithTheFileName() {
        assertEquals("vitals.alert-nps-pro.cfg: 'kpi' is missing; e.g. kpi = nps",
                AlertRule.parse(config(Map.of("kpi", "", "felix_fileinstall_filename", FILE)), "pid").problem());
        assertEquals("vitals.alert-nps-pro.cfg: period 'weekly' is not last-month or last-<n>-days (e.g. last-30-days)",
                AlertRule.parse(config(Map.of("kpi", "nps", "period", "weekly", "felix_fileinstall_filename", FILE)), "pid").problem());
        assertEquals("vitals.alert-nps-pro.cfg: 'channels' is empty; e.g. channels = log, or the name of a webhook",
                AlertRule.parse(config(Map.of("kpi", "nps", "channels", " ", "felix_fileinstall_filename", FILE)), "pid").problem());
    }
}
