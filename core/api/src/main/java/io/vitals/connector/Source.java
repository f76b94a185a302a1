package io.vitals.connector;

import java.time.Duration;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One configured data source (a Stripe account, a CSV export folder, a product database), as a
 * service. A connector bundle registers one per configuration file; the sync engine tracks them.
 */
@ConsumerType
public interface Source {

    /** The source's id, unique in the platform; it is also the {@code source} of every record it writes. */
    String id();

    /** The kind of connector: stripe, file, jdbc... */
    String kind();

    /**
     * The configuration as people may see it: a secret appears as its reference
     * ({@code env:STRIPE_API_KEY}), never as its value.
     */
    Map<String, String> settings();

    /** How often the engine syncs the source on its own; {@link Duration#ZERO} for only on demand. */
    Duration interval();

    /**
     * Why this source cannot sync as configured (a missing key, a value that makes no sense), or
     * empty. A source with a problem is still listed, so its user sees the reason where they look.
     */
    default java.util.Optional<String> problem() {
        return java.util.Optional.empty();
    }

    /**
     * What the source's last sync left out of the figures on purpose and how much, in words a user can
     * check, e.g. {@code "metered items left out of MRR" -> "3"}; shown by {@code connector:status}.
     */
    default Map<String, String> notes() {
        return Map.of();
    }

    /**
     * Reads from the outside world, starting after {@code context.cursor()}, and commits what it
     * read page by page through the context. Returns normally when it has read everything there
     * is (or when {@code context.stopping()} asked it to stop); throws when the source failed.
     */
    void sync(SyncContext context) throws Exception;
}
