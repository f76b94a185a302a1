package io.vitals.connector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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

/**
 * One page of what a source read: canonical records (each with the raw row it came from, kept if
 * the record is rejected later), the rows it could not map, and the cursor after the page.
 * Records name their customer by {@link CustomerKey}; the store finds the customer's id when it
 * writes the page (customers in the same page first), and rejects a record whose customer it
 * cannot find, except survey responses, which are kept unmatched.
 */
public final class SourcePage {

    /**
     * A record with the keys the store resolves and the raw row it came from; {@code duplicate} when its id
     * was read earlier in the same pass (it is written, the last one winning, and counted as a duplicate).
     */
    public record Entry(Object record, CustomerKey customer, String subscription, String raw, boolean duplicate) {

        public Entry(Object record, CustomerKey customer, String subscription, String raw) {
            this(record, customer, subscription, raw, false);
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private String cursor;
    private long read = -1;
    private long skipped;

    /** A row that did not make a record, with the reason in words. */
    public record Rejection(String raw, String reason) {
    }

    private SourcePage add(Object record, CustomerKey customer, String subscription, String raw) {
        entries.add(new Entry(record, customer, subscription, raw));
        return this;
    }

    /** An entry taken as it is from another page. */
    public SourcePage add(Entry entry) {
        entries.add(entry);
        return this;
    }

    /** A customer; its {@code id} is ignored, the store assigns one. */
    public SourcePage customer(Customer c, String raw) {
        return add(c, null, null, raw);
    }

    /**
     * A subscription as the source has it now. The store compares it with the state it holds: the same
     * revenue leaves its history alone (an end or a status is updated in place), other revenue is a
     * change at the moment of this sync (see {@link #subscriptionChange} for a change whose moment the
     * source knows).
     */
    public SourcePage subscription(Subscription s, CustomerKey customer, String raw) {
        return add(s, customer, null, raw);
    }

    /**
     * A subscription's state from a moment on ({@code c.at()}): the span in force then ends there and
     * one with the new state begins. Changes of one subscription in one page are applied in page order.
     */
    public SourcePage subscriptionChange(io.vitals.model.SubscriptionChange c, CustomerKey customer, String raw) {
        return add(c, customer, null, raw);
    }

    /** An invoice; {@code subscriptionExternalId} (may be null) names its subscription in the same source. */
    public SourcePage invoice(Invoice i, CustomerKey customer, String subscriptionExternalId, String raw) {
        return add(i, customer, subscriptionExternalId, raw);
    }

    /** A survey answer; {@code respondent} may be null or name no known customer: the answer is kept unmatched. */
    public SourcePage response(SurveyResponse r, CustomerKey respondent, String raw) {
        return add(r, respondent, null, raw);
    }

    /** A ticket; {@code customer} may be null for a ticket from nobody known. */
    public SourcePage ticket(SupportTicket t, CustomerKey customer, String raw) {
        return add(t, customer, null, raw);
    }

    public SourcePage user(ProductUser u, CustomerKey customer, String raw) {
        return add(u, customer, null, raw);
    }

    public SourcePage event(UsageEvent e, CustomerKey customer, String raw) {
        return add(e, customer, null, raw);
    }

    /** A deal; {@code customer} may be null for a prospect that is no customer yet. */
    public SourcePage deal(Deal d, CustomerKey customer, String raw) {
        return add(d, customer, null, raw);
    }

    public SourcePage advocacy(AdvocacyEvent a, CustomerKey customer, String raw) {
        return add(a, customer, null, raw);
    }

    public SourcePage milestone(OnboardingMilestone m, CustomerKey customer, String raw) {
        return add(m, customer, null, raw);
    }

    /** A cost; {@code customer} null for a cost shared by all customers. */
    public SourcePage cost(CostEntry c, CustomerKey customer, String raw) {
        return add(c, customer, null, raw);
    }

    /** Marks the entry added last as a duplicate: its id was read earlier in this pass. */
    public SourcePage markDuplicate() {
        if (!entries.isEmpty()) {
            Entry last = entries.remove(entries.size() - 1);
            entries.add(new Entry(last.record(), last.customer(), last.subscription(), last.raw(), true));
        }
        return this;
    }

    /** A record deleted at the source: it stops counting from the deletion's moment; its past stays. */
    public SourcePage deleted(Deletion d, String raw) {
        return add(d, null, null, raw);
    }

    /** A row that could not be mapped: kept in the rejects with this reason, never dropped. */
    public SourcePage reject(String raw, String reason) {
        rejections.add(new Rejection(raw, reason));
        return this;
    }

    /** A row read that the mapping leaves out by its own rule (a row filter): counted, neither a record nor a reject. */
    public SourcePage skip() {
        return skip(1);
    }

    /** Several rows read that the mapping leaves out. */
    public SourcePage skip(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("a page cannot skip " + rows + " rows");
        }
        skipped += rows;
        return this;
    }

    /** A cancellation with its reason, of a customer and, when known, a subscription of this source. */
    public SourcePage cancellation(io.vitals.model.Cancellation c, CustomerKey customer, String raw) {
        return add(c, customer, null, raw);
    }

    /** Where the next sync should start if this page is the last to commit. */
    public SourcePage cursor(String cursor) {
        this.cursor = cursor;
        return this;
    }

    /** How many rows the source read for this page, when it differs from records plus rejects. */
    public SourcePage read(long rows) {
        this.read = rows;
        return this;
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    public List<Rejection> rejections() {
        return Collections.unmodifiableList(rejections);
    }

    public String cursor() {
        return cursor;
    }

    public long read() {
        return read >= 0 ? read : entries.size() + rejections.size() + skipped;
    }

    /** Rows the mapping left out by its own rule. */
    public long skipped() {
        return skipped;
    }

    public boolean isEmpty() {
        return entries.isEmpty() && rejections.isEmpty() && skipped == 0;
    }

    /** Rows in the page, those left out included (so a page of them commits, and its cursor moves on). */
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, entries.size() + rejections.size() + skipped);
    }
}
