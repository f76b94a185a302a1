package io.vitals.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A helpdesk ticket. {@code firstResponseAt} is the first agent reply, {@code resolvedAt} the
 * (last) resolution; {@code agentReplies} counts agent interactions, so a ticket resolved with one
 * reply and no reopen was resolved on first contact. {@code priority} is low, normal, high or urgent.
 */
public record SupportTicket(long id, String source, String externalId, Long customerId, String priority,
        String channel, String status, Instant createdAt, Instant firstResponseAt, Instant resolvedAt,
        int reopens, int agentReplies, java.util.Map<String, String> attributes) {

    public SupportTicket {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(createdAt, "createdAt");
        attributes = attributes == null ? java.util.Map.of() : java.util.Map.copyOf(attributes);
    }

    /** A ticket without attributes of its own (category, product area, escalation: what a helpdesk adds). */
    public SupportTicket(long id, String source, String externalId, Long customerId, String priority, String channel, String status,
            Instant createdAt, Instant firstResponseAt, Instant resolvedAt, int reopens, int agentReplies) {
        this(id, source, externalId, customerId, priority, channel, status, createdAt, firstResponseAt, resolvedAt, reopens, agentReplies,
                java.util.Map.of());
    }
}
