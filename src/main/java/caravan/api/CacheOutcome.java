package caravan.api;

/**
 * What the response cache did for one call, as the {@code cacheLookup} step decided it: the exchange
 * variable {@link Variables#CACHE_OUTCOME}, and {@code CallRecord.cache()} for the recorder's listeners
 * (metrics, the dashboard, the usage ledger). On a hit it names the answer that was replayed: the provider
 * and model that produced it and the usage it reported then, which this call did not pay for again.
 *
 * @param result     hit, semantic-hit, miss or bypass ({@code x-caravan-cache})
 * @param mode       the cache mode that applied to the call: {@code off}, {@code exact} or {@code semantic}
 * @param similarity the cosine similarity (0 to 1) of a semantic hit's question to the stored one; NaN otherwise
 * @param ageSeconds how long ago a hit's answer was stored; -1 otherwise
 * @param provider   the provider that produced a hit's answer; null otherwise
 * @param model      the model that produced a hit's answer; null otherwise
 * @param usage      the usage a hit's answer reported when it was produced (what the hit saved); null otherwise
 */
public record CacheOutcome(Result result, String mode, double similarity, long ageSeconds, String provider,
                           String model, Usage usage) {

    /** {@code x-caravan-cache}'s values. */
    public enum Result {
        HIT("hit"), SEMANTIC_HIT("semantic-hit"), MISS("miss"), BYPASS("bypass");

        private final String wireName;

        Result(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** A call the cache did not answer: a miss (looked up, will be stored if it succeeds) or a bypass. */
    public static CacheOutcome of(Result result, String mode) {
        return new CacheOutcome(result, mode, Double.NaN, -1, null, null, null);
    }

    /** True when a stored answer was replayed and no provider was called. */
    public boolean hit() {
        return result == Result.HIT || result == Result.SEMANTIC_HIT;
    }

    /** The wire name of the result, for headers, metric labels and span attributes. */
    public String outcome() {
        return result.wireName();
    }
}
