package caravan.catalog;

import java.math.BigDecimal;
import java.util.List;

import caravan.api.Usage;

/**
 * The one place usage is priced: every cost the gateway reports (the answer's {@code x-caravan-cost-usd},
 * spans, metrics, the dashboard, the ledger) and every budget amount it reserves or settles comes from
 * here. Prices are looked up in layers, the first that has the model winning: a {@code models.yaml} in
 * the working directory, then the LiteLLM price file {@code GATEWAY_PRICES_FILE}, then the catalog
 * packaged in the jar. A model none of them prices has no cost (null), never a cost of 0.
 */
public final class Prices {

    /** Nothing is priced: every cost is unknown (tests of single parts). */
    public static final Prices NONE = new Prices(List.of());

    private final List<PriceList> layers;

    /** @param layers price lists in order of precedence, the first that prices a model wins */
    public Prices(List<PriceList> layers) {
        this.layers = List.copyOf(layers);
    }

    /** The price of a model, or null when no layer has one. */
    public ModelPrice of(String provider, String model) {
        if (provider == null || model == null) {
            return null;
        }
        for (PriceList layer : layers) {
            ModelPrice price = layer.price(provider, model);
            if (price != null) {
                return price;
            }
        }
        return null;
    }

    /** What {@code usage} costs in US dollars at the model's list price; null without usage or without a price. */
    public BigDecimal cost(String provider, String model, Usage usage) {
        if (usage == null) {
            return null;
        }
        ModelPrice price = of(provider, model);
        return price == null ? null : price.cost(usage);
    }

    /** The most an attempt with this input and output cap can cost (see {@link ModelPrice#most}); null without a price. */
    public BigDecimal most(String provider, String model, long inputTokens, long outputTokens) {
        ModelPrice price = of(provider, model);
        return price == null ? null : price.most(inputTokens, outputTokens);
    }
}
