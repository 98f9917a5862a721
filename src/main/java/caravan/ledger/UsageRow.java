package caravan.ledger;

import java.math.BigDecimal;
import java.util.List;

/**
 * The sums of one group of ledger rows.
 *
 * @param group        the group's values, one per dimension asked for, in that order (null where the rows have none)
 * @param errors       requests whose client got an error (a stream that ended with one included)
 * @param costUsd      the sum of the priced requests' costs; null when none of them was priced
 * @param latencyP50Us the median latency (nearest rank), microseconds; null when not asked for
 * @param latencyP95Us the 95th percentile (nearest rank), microseconds; null when not asked for
 */
public record UsageRow(List<String> group, long requests, long errors, long inputTokens, long outputTokens,
                       long cacheReadTokens, long cacheWriteTokens, long reasoningTokens, BigDecimal costUsd,
                       Long latencyP50Us, Long latencyP95Us) {

    UsageRow withPercentiles(long p50Us, long p95Us) {
        return new UsageRow(group, requests, errors, inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens,
                reasoningTokens, costUsd, p50Us, p95Us);
    }
}
