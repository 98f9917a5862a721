package caravan.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import caravan.api.Usage;
import org.junit.jupiter.api.Test;

/**
 * Cost per bucket for every kind of price entry models.yaml can hold: all five buckets, buckets left out
 * (priced as what they are part of), the older [input, output] pair, a provider's "*" entry. Each token is
 * priced exactly once and the figures are exact decimals.
 */
class ModelPriceTest {

    /** 1 000 input of which 600 read from and 100 written to the cache; 500 output of which 200 reasoning. */
    private static final Usage EVERY_BUCKET = new Usage(1_000, 500, 600, 100, 200);

    private static final ModelCatalog CATALOG = catalog("""
            providers:
              anthropic:
                prices:
                  full: {input: 3, cacheRead: 0.30, cacheWrite: 3.75, output: 15, reasoning: 20}
                  no-cache-no-reasoning: {input: 3, output: 15}
                  pair: [3.00, 15.00]
              vllm:
                prices:
                  special: {input: 1, output: 2}
                  "*": {input: 0, output: 0}
            """);

    @Test
    void aMillionthIsWrittenAsTheExactDivisionWritesIt() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            java.math.BigDecimal amount = java.math.BigDecimal.valueOf(random.nextInt(4) == 0 ? 0 : random.nextLong() >>> random.nextInt(64),
                    random.nextInt(16) - 2);
            java.math.BigDecimal divided = amount.divide(java.math.BigDecimal.valueOf(1_000_000), java.math.MathContext.UNLIMITED);
            assertThat(ModelPrice.millionth(amount).toPlainString()).as("%s", amount).isEqualTo(divided.toPlainString());
            assertThat(ModelPrice.millionth(amount).scale()).as("%s", amount).isEqualTo(divided.scale());
        }
    }

    @Test
    void eachBucketIsPricedOnceAtItsOwnPrice() {
        // 300 plain input x 3 + 600 x 0.30 + 100 x 3.75 + 300 plain output x 15 + 200 reasoning x 20 = 9 955 per million
        assertThat(CATALOG.price("anthropic", "full").cost(EVERY_BUCKET)).isEqualByComparingTo("0.009955");
    }

    @Test
    void aBucketWithoutItsOwnPriceIsPricedAsWhatItIsPartOf() {
        // cache reads and writes at the input price, reasoning at the output price: 1 000 x 3 + 500 x 15
        assertThat(CATALOG.price("anthropic", "no-cache-no-reasoning").cost(EVERY_BUCKET)).isEqualByComparingTo("0.0105");
    }

    @Test
    void theOlderInputOutputPairStillReads() {
        ModelPrice pair = CATALOG.price("anthropic", "pair");

        assertThat(pair).isEqualTo(CATALOG.price("anthropic", "no-cache-no-reasoning"));
        assertThat(pair.cost(EVERY_BUCKET)).isEqualByComparingTo("0.0105");
    }

    @Test
    void aStarEntryPricesEveryOtherModelOfItsProviderOnly() {
        assertThat(CATALOG.price("vllm", "anything-loaded").cost(EVERY_BUCKET)).isEqualByComparingTo("0");
        assertThat(CATALOG.price("vllm", "special").cost(EVERY_BUCKET)).isEqualByComparingTo("0.002");
        assertThat(CATALOG.price("anthropic", "unlisted")).isNull();
        // "*" is not a model name metrics would label
        assertThat(CATALOG.lists("vllm", "*")).isFalse();
        assertThat(CATALOG.lists("vllm", "special")).isTrue();
    }

    @Test
    void pricesAreExactAsWrittenNotBinaryFractions() {
        ModelPrice price = catalog("""
                providers:
                  openai:
                    prices:
                      m: {input: 0.1, cacheRead: 0.075, output: 0.7}
                """).price("openai", "m");
        // 3 x 0.1 is 0.3 (a double says 0.30000000000000004); one cached token is 0.000000075 dollars
        assertThat(price.cost(new Usage(3, 0, 0, 0, 0)).toPlainString()).isEqualTo("0.0000003");
        assertThat(price.cost(new Usage(1, 0, 1, 0, 0)).toPlainString()).isEqualTo("0.000000075");
    }

    @Test
    void reportedPartsLargerThanTheirTotalAreNeverANegativeAmount() {
        Usage inconsistent = new Usage(10, 5, 20, 0, 9);
        // 20 cache reads x 0.30 + 9 reasoning x 20; the plain remainders count as none
        assertThat(CATALOG.price("anthropic", "full").cost(inconsistent)).isEqualByComparingTo("0.000186");
    }

    @Test
    void theMostAnAttemptCanCostTakesTheDearestPriceOfEachSide() {
        // input at cache-write's 3.75 (dearer than 3), output at reasoning's 20 (dearer than 15)
        assertThat(CATALOG.price("anthropic", "full").most(1_000, 100)).isEqualByComparingTo("0.00575");
        assertThat(CATALOG.price("anthropic", "pair").most(1_000, 100)).isEqualByComparingTo("0.0045");
    }

    @Test
    void aPriceThatIsNotOneSaysWhichModelAndWhy() {
        assertThatThrownBy(() -> catalog("""
                providers:
                  openai:
                    prices:
                      m: {input: 1, ouput: 2}
                """)).hasMessageContaining("The price of m").hasMessageContaining("'ouput' is not a bucket");
        assertThatThrownBy(() -> catalog("""
                providers:
                  openai:
                    prices:
                      m: {input: 1}
                """)).hasMessageContaining("The price of m").hasMessageContaining("output must be a number");
        assertThatThrownBy(() -> catalog("""
                providers:
                  openai:
                    prices:
                      m: [1, 2, 3]
                """)).hasMessageContaining("[input, output]");
        assertThatThrownBy(() -> catalog("""
                providers:
                  openai:
                    prices:
                      m: {input: -1, output: 2}
                """)).hasMessageContaining("cannot be negative");
    }

    static ModelCatalog catalog(String yaml) {
        return ModelCatalog.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
