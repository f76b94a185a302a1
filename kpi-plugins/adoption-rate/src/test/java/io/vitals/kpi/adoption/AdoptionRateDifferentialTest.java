package io.vitals.kpi.adoption;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vitals.kpi.KpiQuery;
import io.vitals.kpi.KpiResult;
import io.vitals.kpi.adoption.AdoptionRate.Settings;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.UsageEvent;
import io.vitals.testkit.Dataset;
import io.vitals.testkit.Differential;
import io.vitals.testkit.Reference;

/** Adoption rate in SQL against loops over users, subscriptions and events, on random datasets. */
class AdoptionRateDifferentialTest {

    @TempDir
    Path dir;

    static KpiResult reference(Dataset d, KpiQuery q, int minActiveDays, List<String> keyFeatures, int minKeyFeatures) {
        // customers with any span (trials included) overlapping the period
        Set<Long> subscribed = new HashSet<>();
        for (Subscription s : d.subscriptions) {
            boolean overlaps = s.startedAt().getEpochSecond() < Reference.to(q)
                    && (s.endedAt() == null || s.endedAt().getEpochSecond() > Reference.from(q));
            if (overlaps) {
                subscribed.add(s.customerId());
            }
        }
        Set<String> users = new HashSet<>();
        for (ProductUser u : d.users) {
            if (u.createdAt().getEpochSecond() < Reference.to(q) && subscribed.contains(u.customerId())
                    && d.inSegment(u.customerId(), q.segment())) {
                users.add(u.customerId() + "/" + u.userId());
            }
        }
        Map<String, Set<LocalDate>> days = new HashMap<>();
        Map<String, Set<String>> features = new HashMap<>();
        for (UsageEvent e : d.events) {
            if (Reference.in(e.occurredAt(), q.period())) {
                String user = e.customerId() + "/" + e.userId();
                days.computeIfAbsent(user, k -> new HashSet<>()).add(LocalDate.ofInstant(e.occurredAt(), ZoneOffset.UTC));
                if (keyFeatures.contains(e.event())) {
                    features.computeIfAbsent(user, k -> new HashSet<>()).add(e.event());
                }
            }
        }
        long adopters = 0;
        for (String user : users) {
            boolean enoughDays = days.getOrDefault(user, Set.of()).size() >= minActiveDays;
            boolean enoughFeatures = keyFeatures.isEmpty() || features.getOrDefault(user, Set.of()).size() >= minKeyFeatures;
            if (enoughDays && enoughFeatures) {
                adopters++;
            }
        }
        if (users.isEmpty()) {
            return KpiResult.noData("no users");
        }
        if (d.events.stream().noneMatch(e -> Reference.in(e.occurredAt(), q.period()) && d.inSegment(e.customerId(), q.segment()))) {
            return KpiResult.noData("no usage events");
        }
        return new KpiResult(100.0 * adopters / users.size(), (double) adopters, (double) users.size(), users.size(), null,
                Map.of("users", (long) users.size(), "adopters", adopters));
    }

    @Test
    void threeActiveDays() {
        Differential.check(dir, 40, store -> new AdoptionRate(store, Settings.DEFAULT),
                (d, q) -> reference(d, q, 3, List.of(), 1), "users", "adopters");
    }

    @Test
    void oneDayAndTwoKeyFeatures() {
        Differential.check(dir, 40, store -> new AdoptionRate(store, new Settings(1, "create_report,export_csv,invite_user", 2)),
                (d, q) -> reference(d, q, 1, List.of("create_report", "export_csv", "invite_user"), 2), "users", "adopters");
    }
}
