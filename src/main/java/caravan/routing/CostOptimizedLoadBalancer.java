package caravan.routing;

import java.util.Arrays;
import java.util.Comparator;

import caravan.api.Variables;
import caravan.catalog.ModelPrice;
import caravan.catalog.Prices;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;

/**
 * {@code customLoadBalancer: ref: cheapest}: tries first the cheapest step whose model's live quality
 * score meets {@code minQuality}, then the dearer qualifying ones, then the rest (cheapest first). An
 * answer that fails the route's post-check lowers its model's score and escalates the request to the
 * next step. Prices are the gateway's list prices ({@link Prices}; a model without a price sorts last).
 */
public final class CostOptimizedLoadBalancer extends FallbackLoadBalancer {

    private final Prices prices;
    private final QualityScores scores;
    private double minQuality;

    public CostOptimizedLoadBalancer(RetryPolicy policy, Prices prices, QualityScores scores, double minQuality) {
        super(policy);
        this.prices = prices;
        this.scores = scores;
        this.minQuality = minQuality;
    }

    public double getMinQuality() {
        return minQuality;
    }

    public void setMinQuality(double minQuality) {
        this.minQuality = minQuality;
    }

    @Override
    protected AsyncProcessor[] order(AsyncProcessor[] steps, Exchange exchange) {
        AsyncProcessor[] ordered = steps.clone();
        Arrays.sort(ordered, Comparator.comparing((AsyncProcessor step) -> !qualifies(step))
                .thenComparingDouble(this::price));
        return ordered;
    }

    /** A {@code validate} step that failed has no way to score the model; the balancer does it. */
    @Override
    protected void postCheckFailed(Exchange attempt) {
        if (attempt.getException() instanceof PostCheckFailedException) {
            return;
        }
        String provider = attempt.getVariable(Variables.PROVIDER, String.class);
        String model = attempt.getVariable(Variables.UPSTREAM_MODEL, String.class);
        if (provider != null && model != null) {
            scores.observe(new Target(provider, model), 0);
        }
    }

    private boolean qualifies(AsyncProcessor step) {
        Target target = Steps.targetOf(step);
        return target != null && scores.score(target) >= minQuality;
    }

    /** Input plus output list price per million tokens; unknown prices sort last. */
    private double price(AsyncProcessor step) {
        Target target = Steps.targetOf(step);
        ModelPrice price = target == null ? null : prices.of(target.provider(), target.model());
        return price == null ? Double.MAX_VALUE : price.input().add(price.output()).doubleValue();
    }
}
