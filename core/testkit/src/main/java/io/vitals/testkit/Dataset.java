package io.vitals.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vitals.kpi.Segment;
import io.vitals.model.AdvocacyEvent;
import io.vitals.model.CostEntry;
import io.vitals.model.Customer;
import io.vitals.model.Deal;
import io.vitals.model.Invoice;
import io.vitals.model.OnboardingMilestone;
import io.vitals.model.ProductUser;
import io.vitals.model.Subscription;
import io.vitals.model.SupportTicket;
import io.vitals.model.SurveyResponse;
import io.vitals.model.UsageEvent;
import io.vitals.store.DataWriter;

/**
 * A whole customer base held in plain Java lists, for reference computations that are obviously
 * correct because they are ordinary loops over records. The same records are written to a real
 * store, where the KPI's SQL runs, and the two answers are compared.
 */
public final class Dataset {

    public final long seed;
    public final List<Customer> customers = new ArrayList<>();
    public final List<Subscription> subscriptions = new ArrayList<>();
    public final List<Invoice> invoices = new ArrayList<>();
    public final List<SurveyResponse> responses = new ArrayList<>();
    public final List<SupportTicket> tickets = new ArrayList<>();
    public final List<ProductUser> users = new ArrayList<>();
    public final List<UsageEvent> events = new ArrayList<>();
    public final List<Deal> deals = new ArrayList<>();
    public final List<AdvocacyEvent> advocacy = new ArrayList<>();
    public final List<OnboardingMilestone> milestones = new ArrayList<>();
    public final List<CostEntry> costs = new ArrayList<>();

    public Dataset(long seed) {
        this.seed = seed;
    }

    public void writeTo(DataWriter.Batch batch) {
        customers.forEach(batch::add);
        subscriptions.forEach(batch::add);
        invoices.forEach(batch::add);
        responses.forEach(batch::add);
        tickets.forEach(batch::add);
        users.forEach(batch::add);
        events.forEach(batch::add);
        deals.forEach(batch::add);
        advocacy.forEach(batch::add);
        milestones.forEach(batch::add);
        costs.forEach(batch::add);
    }

    /** The value of a segment key for a customer, as the store reads it (columns, then attributes). */
    public static String attribute(Customer c, String key) {
        return switch (key) {
            case "plan" -> c.plan();
            case "region" -> c.region();
            case "csm", "csm_owner" -> c.csmOwner();
            case "industry" -> c.industry();
            case "cohort" -> Reference.month(c.signupAt());
            default -> c.attributes().get(key);
        };
    }

    /** The ids of the customers in a segment. */
    public Set<Long> customersIn(Segment segment) {
        Set<Long> ids = new HashSet<>();
        for (Customer c : customers) {
            boolean all = true;
            for (Map.Entry<String, String> f : segment.filters().entrySet()) {
                all &= f.getValue().equals(attribute(c, f.getKey()));
            }
            if (all) {
                ids.add(c.id());
            }
        }
        return ids;
    }

    /** Whether a record owned by {@code customerId} (null: no customer) belongs to the segment. */
    public boolean inSegment(Long customerId, Segment segment) {
        if (segment.isAll()) {
            return true;
        }
        return customerId != null && customersIn(segment).contains(customerId);
    }

    public Customer customer(long id) {
        return customers.stream().filter(c -> c.id() == id).findFirst().orElseThrow();
    }
}
