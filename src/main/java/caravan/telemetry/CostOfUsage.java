package caravan.telemetry;

import caravan.api.Usage;
import caravan.catalog.ModelCatalog;

/** The list-price cost of a call's usage in US dollars; 0 when the catalog has no price for the model. */
@FunctionalInterface
public interface CostOfUsage {

    CostOfUsage NONE = (provider, model, usage) -> 0;

    double of(String provider, String model, Usage usage);

    static CostOfUsage from(ModelCatalog catalog) {
        return (provider, model, usage) -> {
            ModelCatalog.Price price = provider == null || model == null ? null : catalog.price(provider, model);
            return price == null ? 0 : price.cost(usage.inputTokens(), usage.outputTokens());
        };
    }
}
