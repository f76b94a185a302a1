/**
 * The canonical customer-success data model every source maps into: customers with attributes,
 * subscriptions with their monthly-normalised recurring amount, invoices, survey responses,
 * support tickets, product users and usage events, deals, advocacy events, onboarding milestones,
 * costs and cancellations with their reason. Times are {@link java.time.Instant}s; money is in cents of the store's one currency.
 * Every record carries the source it came from and its id there.
 */
@Version("1.3.0")
@Export
package io.vitals.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
