package io.vitals.connector.stripe;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.vitals.connector.CustomerKey;
import io.vitals.connector.SourceException;
import io.vitals.connector.SourcePage;
import io.vitals.model.BillingInterval;
import io.vitals.model.Cancellation;
import io.vitals.model.Customer;
import io.vitals.model.Invoice;
import io.vitals.model.Subscription;
import io.vitals.model.SubscriptionChange;

/**
 * Maps Stripe's customer, subscription and invoice objects (as their API documents them, old and
 * new versions alike) to canonical records on a page; what it cannot map goes to the page's
 * rejects with the reason.
 */
final class StripeMapping {

    /** What mapping a subscription may have to read besides the list page. */
    interface Lookup {
        /** The customer with this id (for its discount), or null when Stripe has none. */
        JsonNode customer(String id) throws SourceException, InterruptedException;

        /** The coupon with this id, or null when Stripe has none. */
        JsonNode coupon(String id) throws SourceException, InterruptedException;

        /** A price by id (an invoice line of newer API versions names its price only), or null. */
        JsonNode price(String id) throws SourceException, InterruptedException;

        /** A subscription's invoices (not drafts), oldest first, each with every line. */
        List<JsonNode> invoicesOf(String subscription) throws SourceException, InterruptedException;

        /** Every subscription of a customer (every status), when its discount changed. */
        List<JsonNode> subscriptionsOf(String customer) throws SourceException, InterruptedException;

        /** The subscription's items after {@code afterItemId}, when its embedded list was cut short. */
        List<JsonNode> itemsAfter(String subscriptionId, String afterItemId) throws SourceException, InterruptedException;
    }

    /** A row that cannot be mapped, with the reason in one line. */
    static final class Unmappable extends Exception {
        private static final long serialVersionUID = 1L;

        Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }

    static final Set<String> INVOICE_STATUSES = Set.of("open", "paid", "void", "uncollectible");

    /** The customer metadata keys that also fill the store's segment columns. */
    static final List<String> SEGMENT_KEYS = List.of("plan", "region", "csm", "industry");

    private final String source;
    private final Clock clock;
    private final Lookup lookup;
    /** Each customer's own discount (a missing node for none), as the customers list or a lookup gave it. */
    private final Map<String, JsonNode> customerDiscounts = new java.util.HashMap<>();
    /** Metered items left out of MRR this sync (their amount depends on usage). */
    private int meteredLeftOut;

    StripeMapping(String source, Clock clock, Lookup lookup) {
        this.source = source;
        this.clock = clock;
        this.lookup = lookup;
    }

    // ---- customers

    void customer(JsonNode c, SourcePage page) {
        String raw = c.toString();
        try {
            String id = text(c, "id");
            if (id == null) {
                throw new Unmappable("customer without an id");
            }
            String what = "customer " + id;
            customerDiscounts.put(id, c.path("discount"));
            if (c.path("deleted").asBoolean(false)) {
                throw new Unmappable(what + " is deleted (\"deleted\": true)");
            }
            Long created = seconds(c, "created", what);
            if (created == null) {
                throw new Unmappable(what + ": created is missing");
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            JsonNode metadata = c.path("metadata");
            if (metadata.isObject()) {
                for (Map.Entry<String, JsonNode> e : metadata.properties()) {
                    if (!e.getValue().isNull()) {
                        attributes.put(e.getKey(), e.getValue().asText());
                    }
                }
            }
            String country = text(c.path("address"), "country");
            if (country != null && !country.isBlank()) {
                attributes.put("country", country);
            }
            Customer customer = new Customer(0, source, id, text(c, "name"), text(c, "email"), Instant.ofEpochSecond(created),
                    blankToNull(attributes.get("plan")), blankToNull(attributes.get("region")),
                    blankToNull(attributes.get("csm")), blankToNull(attributes.get("industry")), attributes);
            page.customer(customer, raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        } catch (IllegalArgumentException | NullPointerException e) {
            page.reject(raw, "customer " + text(c, "id") + ": " + e.getMessage());
        }
    }

    // ---- subscriptions

    /** One subscription item, priced for one billing interval, in the store's cents. */
    private record Item(BillingInterval interval, int count, long cents, int quantity, String name) {
    }

    void subscription(JsonNode s, SourcePage page) throws SourceException, InterruptedException {
        String raw = s.toString();
        String id = text(s, "id");
        try {
            if (id == null) {
                throw new Unmappable("subscription without an id");
            }
            List<Subscription> states = states(s, id, "subscription " + id, clock.instant().getEpochSecond());
            CustomerKey customer = CustomerKey.of(source, idOf(s.get("customer")));
            for (int i = 0; i < states.size(); i++) {
                Subscription state = states.get(i);
                if (i < states.size() - 1) {
                    // a trial that is over: it began at its own moment, whatever the store holds
                    page.subscriptionChange(new SubscriptionChange(state, state.startedAt(), true), customer, raw);
                } else {
                    // the state now: from its start when it is new, else compared with what the store holds
                    page.subscription(state, customer, raw);
                }
            }
            Cancellation why = cancellation(s, id, clock.instant().getEpochSecond());
            if (why != null) {
                page.cancellation(why, customer, raw);
            }
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        } catch (IllegalArgumentException | ArithmeticException e) {
            page.reject(raw, "subscription " + id + ": " + e.getMessage());
        }
    }

    /**
     * Why the subscription was cancelled, once it was ({@code canceled_at} has passed, whether it ends then or
     * at its period's end): Stripe's {@code cancellation_details} as the customer gave it ({@code feedback}:
     * too_expensive, switched_service, ...) or, without that, as Stripe recorded it ({@code reason}:
     * cancellation_requested, payment_failed, payment_disputed), with the customer's {@code comment}. One per
     * subscription; null when it was not cancelled or nothing says why.
     */
    private Cancellation cancellation(JsonNode s, String id, long now) {
        JsonNode details = s.path("cancellation_details");
        Long canceled = s.path("canceled_at").canConvertToLong() ? s.path("canceled_at").asLong() : null;
        if (canceled == null || canceled > now || !details.isObject()) {
            return null;
        }
        String feedback = blankToNull(text(details, "feedback"));
        String reason = feedback != null ? feedback : blankToNull(text(details, "reason"));
        String comment = blankToNull(text(details, "comment"));
        if (reason == null && comment == null) {
            return null;
        }
        return new Cancellation(0, source, id, null, id, Instant.ofEpochSecond(canceled), reason, comment);
    }

    /** Metered items left out of MRR since this mapping was made (one sync). */
    int meteredLeftOut() {
        return meteredLeftOut;
    }

    /**
     * The states of one subscription that have happened by now, each from its own moment: a trial from
     * its start (no revenue), the paying state from the trial's end or the start date. The rule for the
     * future: what is only scheduled (a trial that ends later, {@code cancel_at_period_end}, a cancellation
     * date ahead, a coupon that will run out) is not counted until it happens; a sync after that moment
     * sees the new state and records it from its own moment (a trial's end, the end Stripe gives).
     */
    private List<Subscription> states(JsonNode s, String id, String what, long now)
            throws Unmappable, SourceException, InterruptedException {
        String customer = idOf(s.get("customer"));
        if (customer == null) {
            throw new Unmappable(what + ": customer is missing");
        }
        String status = text(s, "status");
        if (status == null) {
            throw new Unmappable(what + ": status is missing");
        }
        if (status.equals("incomplete") || status.equals("incomplete_expired")) {
            throw new Unmappable(what + ": status " + status + " is no subscription yet (its first payment never succeeded)");
        }
        List<JsonNode> items = items(s, id);
        if (items.isEmpty()) {
            throw new Unmappable(what + ": it has no items");
        }
        String currency = text(s, "currency");
        if (currency == null) {
            JsonNode first = items.get(0);
            currency = text(first.path("price").isObject() ? first.path("price") : first.path("plan"), "currency");
        }
        if (currency == null || currency.isBlank()) {
            throw new Unmappable(what + ": currency is missing");
        }

        long started = required(s, "start_date", what, seconds(s, "created", what));
        Long scheduled = end(s, status, items, what);
        Long ended = scheduled != null && scheduled <= now ? scheduled : null; // a scheduled end has not happened yet
        long at = ended != null ? ended - 1 : now; // discounts are weighed now, or at the last moment of an ended subscription

        List<Item> priced = new ArrayList<>();
        for (JsonNode item : items) {
            if (metered(item)) {
                meteredLeftOut++; // its amount depends on usage: left out of MRR, the licensed items still count
                continue;
            }
            priced.add(item(item, currency, at, what));
        }
        BillingInterval interval = BillingInterval.MONTH;
        int count = 1;
        long amount = 0;
        int quantity = 0;
        Set<String> names = new LinkedHashSet<>();
        if (!priced.isEmpty()) {
            Item first = priced.get(0);
            boolean uniform = priced.stream().allMatch(i -> i.interval() == first.interval() && i.count() == first.count());
            interval = uniform ? first.interval() : BillingInterval.MONTH;
            count = uniform ? first.count() : 1;
            for (Item i : priced) {
                // items billed on different intervals: each normalised to a month, the span is monthly
                amount = Math.addExact(amount, uniform ? i.cents() : i.interval().monthlyCents(i.cents(), i.count(), 1));
                quantity = Math.addExact(quantity, i.quantity());
                if (i.name() != null) {
                    names.add(i.name());
                }
            }
        }
        String plan = names.isEmpty() ? null : String.join(" + ", names);
        List<JsonNode> discounts = discounts(s, what);
        if (discounts.isEmpty()) {
            discounts = customerDiscount(customer, what); // Stripe's rule: a subscription's own discount, else its customer's
        }
        amount = discounted(discounts, amount, currency, at, what);

        String code = StripeMoney.code(currency);
        List<Subscription> states = new ArrayList<>();
        Long trialStart = seconds(s, "trial_start", what);
        Long trialEnd = seconds(s, "trial_end", what);
        long payingFrom = started;
        if (trialStart != null && trialEnd != null && trialEnd > trialStart) {
            Long endedInTrial = ended != null && ended <= trialEnd ? Long.valueOf(Math.max(ended, trialStart)) : null;
            states.add(new Subscription(0, source, id, 0, plan, "trialing", interval, count, quantity, 0, code, 0,
                    Instant.ofEpochSecond(trialStart), endedInTrial == null ? null : Instant.ofEpochSecond(endedInTrial)));
            if (trialEnd > now || endedInTrial != null) {
                return states; // still in its trial, or it ended there: it never paid
            }
            payingFrom = trialEnd;
        }
        boolean paying = !status.equals("paused"); // paused: the trial ended without a way to pay
        long mrr = paying ? interval.monthlyCents(amount, count, 1) : 0;
        states.add(new Subscription(0, source, id, 0, plan, status, interval, count, quantity, amount, code, mrr,
                Instant.ofEpochSecond(payingFrom), ended == null ? null : Instant.ofEpochSecond(ended)));
        return states;
    }

    private static boolean metered(JsonNode item) {
        JsonNode price = item.path("price").isObject() ? item.path("price") : item.path("plan");
        JsonNode recurring = price.path("recurring").isObject() ? price.path("recurring") : price;
        return "metered".equals(text(recurring, "usage_type"));
    }

    /** The customer's own discount, as the customers list gave it or as fetched now. */
    private List<JsonNode> customerDiscount(String customer, String what) throws SourceException, InterruptedException {
        JsonNode discount = customerDiscounts.get(customer);
        if (discount == null) {
            JsonNode c = lookup.customer(customer);
            discount = c == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : c.path("discount");
            customerDiscounts.put(customer, discount);
        }
        return discount.isObject() ? List.of(discount) : List.of();
    }

    /** The subscription's items, with the rest fetched when the embedded list was cut short. */
    private List<JsonNode> items(JsonNode s, String id) throws SourceException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        JsonNode list = s.path("items");
        list.path("data").forEach(items::add);
        if (list.path("has_more").asBoolean(false) && !items.isEmpty()) {
            items.addAll(lookup.itemsAfter(id, text(items.get(items.size() - 1), "id")));
        }
        if (items.isEmpty() && s.path("plan").isObject()) {
            // a subscription of the old single-plan shape
            items.add(s.deepCopy());
        }
        return items;
    }

    /** One item's price for one billing interval (unit amount times quantity), in cents. */
    private Item item(JsonNode item, String currency, long at, String what)
            throws Unmappable, SourceException, InterruptedException {
        JsonNode price = item.path("price");
        boolean legacy = !price.isObject();
        if (legacy) {
            price = item.path("plan"); // prices' forerunner: the amount and interval are on the plan itself
        }
        if (!price.isObject()) {
            throw new Unmappable(what + ": item " + text(item, "id") + " has neither a price nor a plan");
        }
        String priceId = text(price, "id");
        JsonNode recurring = legacy ? price : price.path("recurring");
        if (!recurring.isObject() || text(recurring, "interval") == null) {
            throw new Unmappable(what + ": price " + priceId + " is not recurring (recurring.interval is missing)");
        }
        Long unit = number(price, legacy ? "amount" : "unit_amount", what);
        if (unit == null) {
            String scheme = text(price, "billing_scheme");
            throw new Unmappable(what + ": price " + priceId + " has no " + (legacy ? "amount" : "unit_amount")
                    + (scheme == null ? "" : " (billing_scheme " + scheme + ")") + ": tiered or decimal prices have no fixed amount");
        }
        if (unit < 0) {
            throw new Unmappable(what + ": price " + priceId + " has a negative amount " + unit);
        }
        String priceCurrency = text(price, "currency");
        if (priceCurrency != null && !priceCurrency.equalsIgnoreCase(currency)) {
            throw new Unmappable(what + ": price " + priceId + " is in " + priceCurrency + ", the subscription in " + currency);
        }
        String intervalText = text(recurring, "interval");
        BillingInterval interval = switch (intervalText) {
            case "day" -> BillingInterval.DAY;
            case "week" -> BillingInterval.WEEK;
            case "month" -> BillingInterval.MONTH;
            case "year" -> BillingInterval.YEAR;
            default -> throw new Unmappable(what + ": price " + priceId + " has an unknown interval '" + intervalText + "'");
        };
        Long count = number(recurring, "interval_count", what);
        if (count != null && (count < 1 || count > Integer.MAX_VALUE)) {
            throw new Unmappable(what + ": price " + priceId + " has interval_count " + count);
        }
        Long quantity = number(item, "quantity", what);
        if (quantity != null && (quantity < 0 || quantity > Integer.MAX_VALUE)) {
            throw new Unmappable(what + ": item " + text(item, "id") + " has quantity " + quantity);
        }
        int q = quantity == null ? 1 : quantity.intValue();
        long cents = StripeMoney.cents(Math.multiplyExact(unit, (long) q), currency);
        cents = discounted(discounts(item, what), cents, currency, at, what); // discounts on this item alone
        return new Item(interval, count == null ? 1 : count.intValue(), cents, q, name(price));
    }

    private static String name(JsonNode price) {
        for (String field : List.of("nickname", "lookup_key")) {
            String v = text(price, field);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        JsonNode product = price.path("product");
        if (product.isObject() && text(product, "name") != null) {
            return text(product, "name");
        }
        String productId = idOf(product);
        return productId != null ? productId : text(price, "id");
    }

    /**
     * Where the span ends: when it ended if canceled; when it is set to cancel otherwise
     * ({@code cancel_at}, or the end of the current period with {@code cancel_at_period_end}, a
     * field newer API versions keep on the items); null while it runs on.
     */
    private static Long end(JsonNode s, String status, List<JsonNode> items, String what) throws Unmappable {
        if (status.equals("canceled")) {
            Long ended = seconds(s, "ended_at", what);
            if (ended == null) {
                ended = seconds(s, "canceled_at", what);
            }
            if (ended == null) {
                throw new Unmappable(what + ": status canceled but ended_at is missing");
            }
            return ended;
        }
        Long cancelAt = seconds(s, "cancel_at", what);
        if (cancelAt != null) {
            return cancelAt;
        }
        if (s.path("cancel_at_period_end").asBoolean(false)) {
            Long periodEnd = seconds(s, "current_period_end", what);
            for (JsonNode item : items) {
                Long itemEnd = seconds(item, "current_period_end", what);
                if (periodEnd == null || itemEnd != null && itemEnd > periodEnd) {
                    periodEnd = itemEnd;
                }
            }
            if (periodEnd == null) {
                throw new Unmappable(what + ": cancel_at_period_end is set but current_period_end is missing");
            }
            return periodEnd;
        }
        return null;
    }

    /**
     * The amount after the discounts in force at {@code at} (started by then, without an end or
     * ending after it), applied in their order, never below zero.
     */
    private long discounted(List<JsonNode> discounts, long amount, String currency, long at, String what)
            throws Unmappable, SourceException, InterruptedException {
        for (JsonNode d : discounts) {
            Long start = seconds(d, "start", what);
            Long until = seconds(d, "end", what);
            if (start != null && start > at || until != null && until <= at) {
                continue;
            }
            JsonNode coupon = coupon(d, what);
            String couponId = text(coupon, "id");
            JsonNode percent = coupon.get("percent_off");
            Long off = number(coupon, "amount_off", what);
            if (percent != null && percent.isNumber()) {
                BigDecimal p = percent.decimalValue();
                if (p.signum() < 0 || p.compareTo(BigDecimal.valueOf(100)) > 0) {
                    throw new Unmappable(what + ": coupon " + couponId + " has percent_off " + p);
                }
                amount = BigDecimal.valueOf(amount).multiply(BigDecimal.valueOf(100).subtract(p))
                        .divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_UP).longValueExact();
            } else if (off != null) {
                String couponCurrency = text(coupon, "currency");
                if (couponCurrency != null && !couponCurrency.equalsIgnoreCase(currency)) {
                    // a coupon for several currencies keeps the others in currency_options
                    off = number(coupon.path("currency_options").path(currency.toLowerCase(java.util.Locale.ROOT)), "amount_off", what);
                    if (off == null) {
                        throw new Unmappable(what + ": coupon " + couponId + " takes amount_off in " + couponCurrency
                                + ", the subscription is in " + currency);
                    }
                }
                if (off < 0) {
                    throw new Unmappable(what + ": coupon " + couponId + " has a negative amount_off " + off);
                }
                amount = Math.max(0, amount - StripeMoney.cents(off, currency));
            } else {
                throw new Unmappable(what + ": coupon " + couponId + " has neither percent_off nor amount_off");
            }
        }
        return amount;
    }

    /**
     * A subscription's (or an item's) discounts as objects: the {@code discounts} array (expanded,
     * or an id that the older singular {@code discount} spells out), else {@code discount}.
     */
    private static List<JsonNode> discounts(JsonNode s, String what) throws Unmappable {
        List<JsonNode> out = new ArrayList<>();
        JsonNode single = s.path("discount");
        JsonNode many = s.path("discounts");
        if (many.isArray() && !many.isEmpty()) {
            for (JsonNode d : many) {
                if (d.isObject()) {
                    out.add(d);
                } else if (single.isObject() && d.asText().equals(text(single, "id"))) {
                    out.add(single);
                } else {
                    throw new Unmappable(what + ": discount " + d.asText() + " is not expanded (expand[]=data.discounts,"
                            + " data.items.data.discounts)");
                }
            }
        } else if (single.isObject()) {
            out.add(single);
        }
        return out;
    }

    /** A discount's coupon: {@code coupon} (older API versions) or {@code source.coupon} (2025-09-30 on), fetched when only its id is there. */
    private JsonNode coupon(JsonNode discount, String what) throws Unmappable, SourceException, InterruptedException {
        JsonNode coupon = discount.path("coupon");
        if (coupon.isMissingNode() || coupon.isNull()) {
            coupon = discount.path("source").path("coupon");
        }
        if (coupon.isTextual()) {
            JsonNode fetched = lookup.coupon(coupon.asText());
            if (fetched == null) {
                throw new Unmappable(what + ": coupon " + coupon.asText() + " of discount " + text(discount, "id") + " does not exist");
            }
            return fetched;
        }
        if (!coupon.isObject()) {
            throw new Unmappable(what + ": discount " + text(discount, "id") + " has no coupon");
        }
        return coupon;
    }

    // ---- history from invoices

    /** One item of a subscription as an invoice line shows it: its price, quantity and what one interval charges. */
    private record Billed(BillingInterval interval, int count, long cents, int quantity, String name) {
    }

    /**
     * A subscription's past as its invoices tell it, as ChartMogul rebuilds it: each invoice for a period
     * (its creation, each cycle) says what every item charged for that period, from the period's start; a
     * proration line says an item changed at its own start (the moment of the change), the line for the
     * time left at the new price giving the new price and quantity. Each state whose revenue differs from
     * the one before is a change from its moment; the subscription as it is now is compared afterwards.
     */
    void history(JsonNode s, SourcePage page) throws SourceException, InterruptedException {
        String id = text(s, "id");
        String customer = idOf(s.get("customer"));
        if (id == null || customer == null) {
            return;
        }
        String raw = s.toString();
        Map<String, Billed> items = new LinkedHashMap<>();
        java.util.TreeMap<Long, Map<String, Billed>> states = new java.util.TreeMap<>();
        String currency = text(s, "currency");
        try {
            for (JsonNode invoice : lookup.invoicesOf(id)) {
                String status = text(invoice, "status");
                if (status == null || status.equals("draft") || status.equals("void")) {
                    continue;
                }
                String what = "invoice " + text(invoice, "id") + " of subscription " + id;
                String reason = text(invoice, "billing_reason");
                boolean cycle = reason == null || reason.equals("subscription_create") || reason.equals("subscription_cycle")
                        || reason.equals("subscription");
                Map<String, Billed> charged = new LinkedHashMap<>();
                Long periodStart = null;
                List<JsonNode> prorations = new ArrayList<>();
                for (JsonNode line : invoice.path("lines").path("data")) {
                    if (!subscriptionLine(line)) {
                        continue;
                    }
                    if (proration(line)) {
                        prorations.add(line);
                        continue;
                    }
                    Long start = seconds(line.path("period"), "start", what);
                    Billed b = billed(line, currency, what);
                    if (start == null || b == null) {
                        continue;
                    }
                    periodStart = periodStart == null ? start : Math.min(periodStart, start);
                    charged.merge(itemOf(line), b, (x, y) -> new Billed(x.interval(), x.count(), x.cents() + y.cents(),
                            x.quantity() + y.quantity(), x.name()));
                }
                // a change mid-period: the line for the time left at the new price, from its own start
                for (JsonNode line : prorations) {
                    Long amount = number(line, "amount", what);
                    Long start = seconds(line.path("period"), "start", what);
                    if (amount == null || start == null) {
                        continue;
                    }
                    Map<String, Billed> at = new LinkedHashMap<>(lastBefore(states, start, items));
                    if (amount > 0) {
                        Billed b = billedAtPrice(line, currency, what);
                        if (b != null) {
                            at.put(itemOf(line), b);
                        }
                    } else if (prorations.stream().noneMatch(p -> itemOf(p).equals(itemOf(line)) && positive(p))) {
                        at.remove(itemOf(line)); // unused time of an item that has no new price: it went
                    }
                    states.put(start, at);
                }
                if (cycle && periodStart != null) {
                    states.put(periodStart, charged);
                } else if (periodStart != null) {
                    Map<String, Billed> at = new LinkedHashMap<>(lastBefore(states, periodStart, items));
                    at.putAll(charged);
                    states.put(periodStart, at);
                }
            }
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
            return;
        }
        CustomerKey key = CustomerKey.of(source, customer);
        Subscription before = null;
        for (Map.Entry<Long, Map<String, Billed>> e : states.entrySet()) {
            Subscription state = state(id, e.getValue(), currency, e.getKey());
            if (before != null && before.mrrCents() == state.mrrCents() && before.amountCents() == state.amountCents()
                    && before.quantity() == state.quantity() && java.util.Objects.equals(before.plan(), state.plan())) {
                continue;
            }
            page.subscriptionChange(new SubscriptionChange(state, Instant.ofEpochSecond(e.getKey()), true), key, raw);
            before = state;
        }
    }

    private static boolean positive(JsonNode line) {
        JsonNode a = line.get("amount");
        return a != null && a.isNumber() && a.asLong() > 0;
    }

    private static Map<String, Billed> lastBefore(java.util.TreeMap<Long, Map<String, Billed>> states, long at, Map<String, Billed> none) {
        Map.Entry<Long, Map<String, Billed>> e = states.floorEntry(at);
        return e == null ? none : e.getValue();
    }

    private Subscription state(String id, Map<String, Billed> items, String currency, long at) {
        BillingInterval interval = BillingInterval.MONTH;
        int count = 1;
        long amount = 0;
        int quantity = 0;
        Set<String> names = new LinkedHashSet<>();
        if (!items.isEmpty()) {
            Billed first = items.values().iterator().next();
            boolean uniform = items.values().stream().allMatch(i -> i.interval() == first.interval() && i.count() == first.count());
            interval = uniform ? first.interval() : BillingInterval.MONTH;
            count = uniform ? first.count() : 1;
            for (Billed b : items.values()) {
                amount = Math.addExact(amount, uniform ? b.cents() : b.interval().monthlyCents(b.cents(), b.count(), 1));
                quantity = Math.addExact(quantity, b.quantity());
                if (b.name() != null) {
                    names.add(b.name());
                }
            }
        }
        String code = StripeMoney.code(currency);
        return new Subscription(0, source, id, 0, names.isEmpty() ? null : String.join(" + ", names), amount == 0 ? "trialing" : "active",
                interval, count, quantity, amount, code, interval.monthlyCents(amount, count, 1), Instant.ofEpochSecond(at), null);
    }

    /** A line for a subscription's item (older versions: type subscription; 2025-03-31 on: a subscription item parent). */
    private static boolean subscriptionLine(JsonNode line) {
        return "subscription".equals(text(line, "type")) || "subscription_item_details".equals(text(line.path("parent"), "type"));
    }

    private static boolean proration(JsonNode line) {
        return line.path("proration").asBoolean(false)
                || line.path("parent").path("subscription_item_details").path("proration").asBoolean(false);
    }

    private static String itemOf(JsonNode line) {
        String item = text(line, "subscription_item");
        if (item == null) {
            item = text(line.path("parent").path("subscription_item_details"), "subscription_item");
        }
        return item == null ? String.valueOf(text(line, "id")) : item;
    }

    /** The line's price as an object: on the line (older versions), else fetched by the id its pricing names. */
    private JsonNode priceOf(JsonNode line) throws SourceException, InterruptedException {
        JsonNode price = line.path("price");
        if (price.isObject()) {
            return price;
        }
        JsonNode plan = line.path("plan");
        if (plan.isObject()) {
            return plan;
        }
        JsonNode named = line.path("pricing").path("price_details").get("price");
        String priceId = idOf(named);
        if (named != null && named.isObject()) {
            return named;
        }
        return priceId == null ? null : lookup.price(priceId);
    }

    /** What a line of a cycle charged for its item's interval: its amount less its discounts, at its price's interval. */
    private Billed billed(JsonNode line, String currency, String what) throws Unmappable, SourceException, InterruptedException {
        JsonNode price = priceOf(line);
        if (price == null || metered(obj(price))) {
            return null;
        }
        Long amount = number(line, "amount", what);
        if (amount == null) {
            return null;
        }
        long discounts = 0;
        for (JsonNode d : line.path("discount_amounts")) {
            Long a = number(d, "amount", what);
            discounts += a == null ? 0 : a;
        }
        JsonNode recurring = price.path("recurring").isObject() ? price.path("recurring") : price;
        Long quantity = number(line, "quantity", what);
        return new Billed(interval(text(recurring, "interval"), what), count(recurring, what),
                StripeMoney.cents(Math.max(0, amount - discounts), currency), quantity == null ? 1 : quantity.intValue(), name(price));
    }

    /** What an item charges for an interval at a proration line's price: unit amount times quantity. */
    private Billed billedAtPrice(JsonNode line, String currency, String what) throws Unmappable, SourceException, InterruptedException {
        JsonNode price = priceOf(line);
        if (price == null || metered(obj(price))) {
            return null;
        }
        Long unit = number(price, price.has("unit_amount") ? "unit_amount" : "amount", what);
        Long quantity = number(line, "quantity", what);
        if (unit == null) {
            return null;
        }
        int q = quantity == null ? 1 : quantity.intValue();
        JsonNode recurring = price.path("recurring").isObject() ? price.path("recurring") : price;
        return new Billed(interval(text(recurring, "interval"), what), count(recurring, what), StripeMoney.cents(unit * q, currency), q, name(price));
    }

    /** A price as an item would carry it, for {@link #metered}. */
    private static JsonNode obj(JsonNode price) {
        com.fasterxml.jackson.databind.node.ObjectNode item = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        item.set("price", price);
        return item;
    }

    private static BillingInterval interval(String text, String what) throws Unmappable {
        if (text == null) {
            throw new Unmappable(what + ": a line's price has no interval");
        }
        return switch (text) {
            case "day" -> BillingInterval.DAY;
            case "week" -> BillingInterval.WEEK;
            case "month" -> BillingInterval.MONTH;
            case "year" -> BillingInterval.YEAR;
            default -> throw new Unmappable(what + ": unknown interval '" + text + "'");
        };
    }

    private static int count(JsonNode recurring, String what) throws Unmappable {
        Long c = number(recurring, "interval_count", what);
        return c == null || c < 1 ? 1 : c.intValue();
    }

    // ---- events

    /**
     * One of Stripe's events, at its own moment: a subscription's state from when the event happened (a
     * trial's end from the trial's end, a new subscription from its start), a customer deleted from then,
     * a customer discount that came or went re-weighing that customer's subscriptions from then.
     */
    void event(JsonNode e, SourcePage page) throws SourceException, InterruptedException {
        String raw = e.toString();
        String type = text(e, "type");
        JsonNode object = e.path("data").path("object");
        Long created;
        try {
            created = seconds(e, "created", "event " + text(e, "id"));
        } catch (Unmappable u) {
            page.reject(raw, u.getMessage());
            return;
        }
        if (type == null || created == null || !object.isObject()) {
            page.reject(raw, "event " + text(e, "id") + " has no type, time or object");
            return;
        }
        switch (type) {
            case "customer.created", "customer.updated" -> customer(object, page);
            case "customer.deleted" -> {
                customerDiscounts.remove(text(object, "id"));
                page.deleted(new io.vitals.connector.Deletion("customers", text(object, "id"), Instant.ofEpochSecond(created)), raw);
            }
            case "customer.discount.created", "customer.discount.updated", "customer.discount.deleted" -> {
                String customer = idOf(object.get("customer"));
                if (customer == null) {
                    page.reject(raw, "event " + text(e, "id") + ": the discount names no customer");
                    return;
                }
                customerDiscounts.put(customer, type.endsWith("deleted") ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : object);
                for (JsonNode sub : lookup.subscriptionsOf(customer)) {
                    subscriptionAt(sub, page, created, false, sub.toString());
                }
            }
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
                    "customer.subscription.paused", "customer.subscription.resumed" -> {
                JsonNode previous = e.path("data").path("previous_attributes");
                boolean trialEnded = "trialing".equals(text(previous, "status"));
                subscriptionAt(object, page, created, type.endsWith(".created") || trialEnded, raw);
            }
            default -> {
                if (type.startsWith("invoice.")) {
                    invoice(object, page);
                }
                // other events change nothing Vitals keeps
            }
        }
    }

    /**
     * A subscription's states as of {@code at}: earlier ones (a trial) from their own moments, the last from
     * its own start when {@code fromItsStart} (it is new, or its trial just ended), else from {@code at}.
     */
    private void subscriptionAt(JsonNode s, SourcePage page, long at, boolean fromItsStart, String raw)
            throws SourceException, InterruptedException {
        String id = text(s, "id");
        try {
            if (id == null) {
                throw new Unmappable("subscription without an id");
            }
            List<Subscription> states = states(s, id, "subscription " + id, at); // what had happened by the event
            CustomerKey customer = CustomerKey.of(source, idOf(s.get("customer")));
            for (int i = 0; i < states.size(); i++) {
                Subscription state = states.get(i);
                boolean last = i == states.size() - 1;
                long moment = !last || fromItsStart ? state.startedAt().getEpochSecond() : Math.max(at, state.startedAt().getEpochSecond());
                page.subscriptionChange(new SubscriptionChange(state, Instant.ofEpochSecond(moment), true), customer, raw);
            }
        } catch (Unmappable u) {
            page.reject(raw, u.getMessage());
        } catch (IllegalArgumentException | ArithmeticException u) {
            page.reject(raw, "subscription " + id + ": " + u.getMessage());
        }
    }

    // ---- invoices

    void invoice(JsonNode i, SourcePage page) {
        String raw = i.toString();
        String id = text(i, "id");
        try {
            if (id == null) {
                throw new Unmappable("invoice without an id");
            }
            String what = "invoice " + id;
            String customer = idOf(i.get("customer"));
            if (customer == null) {
                throw new Unmappable(what + ": customer is missing");
            }
            String status = text(i, "status");
            if (status == null) {
                throw new Unmappable(what + ": status is missing");
            }
            if (status.equals("draft")) {
                throw new Unmappable(what + ": status draft is not final yet");
            }
            if (!INVOICE_STATUSES.contains(status)) {
                throw new Unmappable(what + ": unknown status '" + status + "' (open, paid, void or uncollectible)");
            }
            long created = required(i, "created", what, null);
            String currency = text(i, "currency");
            if (currency == null || currency.isBlank()) {
                throw new Unmappable(what + ": currency is missing");
            }
            long tax = tax(i, what);
            long amount = amount(i, tax, what);
            JsonNode paid = i.path("status_transitions");
            Long paidAt = seconds(paid, "paid_at", what);
            Long due = seconds(i, "due_date", what);
            String reason = text(i, "billing_reason");
            String kind = reason != null && reason.startsWith("subscription") ? "recurring" : "one_off";
            String subscription = idOf(i.get("subscription"));
            if (subscription == null) {
                // 2025-03-31 on: the subscription is under parent.subscription_details
                subscription = idOf(i.path("parent").path("subscription_details").get("subscription"));
            }
            Invoice invoice = new Invoice(0, source, id, 0, null, Instant.ofEpochSecond(created),
                    due == null ? null : Instant.ofEpochSecond(due), paidAt == null ? null : Instant.ofEpochSecond(paidAt),
                    StripeMoney.cents(amount, currency), StripeMoney.cents(tax, currency), StripeMoney.code(currency), status, kind);
            page.invoice(invoice, CustomerKey.of(source, customer), subscription, raw);
        } catch (Unmappable e) {
            page.reject(raw, e.getMessage());
        } catch (IllegalArgumentException | ArithmeticException | NullPointerException e) {
            page.reject(raw, "invoice " + id + ": " + e.getMessage());
        }
    }

    /** Tax: {@code tax} (older API versions), else the sum of {@code total_taxes} (2025-03-31 on), else 0. */
    private static long tax(JsonNode i, String what) throws Unmappable {
        Long tax = number(i, "tax", what);
        if (tax != null) {
            return tax;
        }
        long sum = 0;
        for (JsonNode t : i.path("total_taxes")) {
            Long a = number(t, "amount", what);
            sum = Math.addExact(sum, a == null ? 0 : a);
        }
        return sum;
    }

    /** Without tax: {@code total_excluding_tax}, else subtotal less discounts, else total less tax. */
    private static long amount(JsonNode i, long tax, String what) throws Unmappable {
        Long excluding = number(i, "total_excluding_tax", what);
        if (excluding != null) {
            return excluding;
        }
        Long subtotal = number(i, "subtotal", what);
        if (subtotal != null) {
            long discounts = 0;
            for (JsonNode d : i.path("total_discount_amounts")) {
                Long a = number(d, "amount", what);
                discounts = Math.addExact(discounts, a == null ? 0 : a);
            }
            return subtotal - discounts;
        }
        Long total = number(i, "total", what);
        if (total != null) {
            return total - tax;
        }
        throw new Unmappable(what + ": total_excluding_tax, subtotal and total are all missing");
    }

    // ---- JSON helpers

    /** A field's text, or null when it is missing or null. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    /** An id field that may be expanded to the object it names. */
    static String idOf(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        String id = v.isObject() ? text(v, "id") : v.isTextual() ? v.asText() : null;
        return id == null || id.isBlank() ? null : id;
    }

    /** An integer field, or null when it is missing or null. */
    static Long number(JsonNode node, String field, String what) throws Unmappable {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        throw new Unmappable(what + ": " + field + " is not a whole number: " + v);
    }

    /** A time in epoch seconds, or null. */
    static Long seconds(JsonNode node, String field, String what) throws Unmappable {
        Long v = number(node, field, what);
        if (v != null && v < 0) {
            throw new Unmappable(what + ": " + field + " is not a time: " + v);
        }
        return v;
    }

    private static long required(JsonNode node, String field, String what, Long fallback) throws Unmappable {
        Long v = seconds(node, field, what);
        if (v == null) {
            v = fallback;
        }
        if (v == null) {
            throw new Unmappable(what + ": " + field + " is missing");
        }
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
