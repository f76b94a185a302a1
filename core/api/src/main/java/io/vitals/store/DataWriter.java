package io.vitals.store;

import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

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

/** Writes canonical records into the store, for data sources. */
@ProviderType
public interface DataWriter {

    /** Opens a batch on its own transaction; nothing it adds is visible until {@link Batch#commit()}. */
    Batch batch();

    /** Removes every record that came from {@code source}, in one transaction. */
    void deleteSource(String source);

    /** True when the store holds no customers at all (a new store). */
    boolean isEmpty();

    /** Row counts of every canonical table. */
    Map<String, Long> counts();

    Optional<String> metadata(String key);

    void putMetadata(String key, String value);

    /** A unit of work. Closing it without committing rolls back what was added since the last commit. */
    interface Batch extends AutoCloseable {
        void add(Customer customer);
        void add(Subscription subscription);
        void add(Invoice invoice);
        void add(SurveyResponse response);
        void add(SupportTicket ticket);
        void add(ProductUser user);
        void add(UsageEvent event);
        void add(Deal deal);
        void add(AdvocacyEvent event);
        void add(OnboardingMilestone milestone);
        void add(CostEntry cost);

        /** A cancellation with its reason; its {@code customerId} must be set. */
        void add(io.vitals.model.Cancellation cancellation);

        /** Makes everything added so far durable and visible; the batch stays open for more. */
        void commit();

        @Override
        void close();
    }
}
