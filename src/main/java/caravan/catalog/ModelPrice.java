package caravan.catalog;

import java.math.BigDecimal;

import caravan.api.Usage;

/**
 * A model's list prices in US dollars per million tokens, one per usage bucket, exact as written (no
 * binary floating point between the price list and the bill). Input and output are always known; a
 * provider that publishes no separate cache or reasoning price leaves that bucket null, and it is then
 * priced as what it is part of: cache reads and cache writes at the input price, reasoning at the output
 * price (OpenAI, Gemini, Mistral and Cohere bill reasoning tokens as output; Anthropic and OpenAI publish
 * cache prices, where the caches differ from plain input).
 */
public record ModelPrice(BigDecimal input, BigDecimal cacheRead, BigDecimal cacheWrite, BigDecimal output,
                         BigDecimal reasoning) {


    public ModelPrice {
        if (input == null || output == null) {
            throw new IllegalArgumentException("A price needs an input and an output price");
        }
        for (BigDecimal price : new BigDecimal[] {input, cacheRead, cacheWrite, output, reasoning}) {
            if (price != null && price.signum() < 0) {
                throw new IllegalArgumentException("A price cannot be negative: " + price);
            }
        }
        // equal prices are equal records however they were written (10.00, 10, 1E+1)
        input = input.stripTrailingZeros();
        cacheRead = cacheRead == null ? null : cacheRead.stripTrailingZeros();
        cacheWrite = cacheWrite == null ? null : cacheWrite.stripTrailingZeros();
        output = output.stripTrailingZeros();
        reasoning = reasoning == null ? null : reasoning.stripTrailingZeros();
    }

    /** Input and output only, the catalog's older {@code [input, output]} form. */
    public static ModelPrice of(BigDecimal input, BigDecimal output) {
        return new ModelPrice(input, null, null, output, null);
    }

    public BigDecimal cacheReadOrInput() {
        return cacheRead != null ? cacheRead : input;
    }

    public BigDecimal cacheWriteOrInput() {
        return cacheWrite != null ? cacheWrite : input;
    }

    public BigDecimal reasoningOrOutput() {
        return reasoning != null ? reasoning : output;
    }

    /**
     * What {@code usage} costs, each token in exactly one bucket: {@link Usage#inputTokens} includes the
     * cache reads and writes, so plain input is what remains without them; {@link Usage#outputTokens}
     * includes the reasoning, so plain output is what remains without it. A provider reporting more cache
     * or reasoning tokens than the total they belong to is taken at its word for the parts (the remainder
     * counts as none, never as a negative amount). Exact: a sum of integer token counts times decimal prices.
     */
    public BigDecimal cost(Usage usage) {
        long cache = usage.cacheReadTokens() + usage.cacheWriteTokens();
        long plainInput = Math.max(0, usage.inputTokens() - cache);
        long plainOutput = Math.max(0, usage.outputTokens() - usage.reasoningTokens());
        BigDecimal perMillion = input.multiply(BigDecimal.valueOf(plainInput))
                .add(cacheReadOrInput().multiply(BigDecimal.valueOf(usage.cacheReadTokens())))
                .add(cacheWriteOrInput().multiply(BigDecimal.valueOf(usage.cacheWriteTokens())))
                .add(output.multiply(BigDecimal.valueOf(plainOutput)))
                .add(reasoningOrOutput().multiply(BigDecimal.valueOf(usage.reasoningTokens())));
        return millionth(perMillion);
    }

    /**
     * The most a call with this input and at most this output can cost, whatever the buckets turn out to
     * be: every input token at the dearer of the input and cache-write prices, every output token at the
     * dearer of the output and reasoning prices. What a budget reserves before an attempt.
     */
    public BigDecimal most(long inputTokens, long outputTokens) {
        BigDecimal perMillion = input.max(cacheWriteOrInput()).multiply(BigDecimal.valueOf(inputTokens))
                .add(output.max(reasoningOrOutput()).multiply(BigDecimal.valueOf(outputTokens)));
        return millionth(perMillion);
    }

    /**
     * {@code amount / 1 000 000}, exactly as {@code divide(1 000 000, MathContext.UNLIMITED)} writes it (the
     * smallest scale at least {@code amount}'s that holds the quotient), by moving the decimal point: the
     * division ran on every call and was most of what pricing cost.
     */
    static BigDecimal millionth(BigDecimal amount) {
        if (amount.signum() == 0) {
            return amount;
        }
        BigDecimal exact = amount.movePointLeft(6).stripTrailingZeros();
        return exact.scale() < amount.scale() ? exact.setScale(amount.scale()) : exact;
    }
}
