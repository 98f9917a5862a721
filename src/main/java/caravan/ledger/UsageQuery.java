package caravan.ledger;

import java.time.Instant;
import java.util.List;

/**
 * One question to the ledger: sums per group over a time range, for every caller, one tenant, or one
 * caller's own calls.
 *
 * @param groupBy the dimensions of each group, in the order asked; empty: one total
 * @param from    the first instant counted (inclusive), or null for the ledger's start
 * @param to      the instant counting stops (exclusive), or null for now and later
 * @param tenant  only this tenant's calls, or null for all
 * @param owner   only the calls of this key (or of the master key), or null for everyone's
 */
public record UsageQuery(List<UsageDimension> groupBy, Instant from, Instant to, String tenant, Owner owner) {

    /**
     * Whose calls: one key's.
     *
     * @param keyId the virtual key they were made with, or null for those made with the master key (or,
     *              while the gateway runs without one, by anyone)
     */
    public record Owner(String keyId) {
    }

    public UsageQuery {
        groupBy = List.copyOf(groupBy);
    }
}
