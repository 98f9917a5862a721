package caravan.processors;

import caravan.api.ChatRequest;
import caravan.api.GatewayException;
import caravan.api.Variables;
import caravan.catalog.ModelCatalog;
import caravan.catalog.ProviderRoutes;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Turns the request's {@code model} into the provider that serves it and the model name that provider is
 * asked for: {@code provider/model} directly (everything after the first slash is the provider's model
 * name), a bare name through the model catalog. An unknown provider or model is a 404.
 */
public final class ResolveTarget implements Processor {

    private final ModelCatalog catalog;

    public ResolveTarget(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void process(Exchange exchange) {
        String model = exchange.getVariable(Variables.REQUEST, ChatRequest.class).model();
        String provider;
        String upstreamModel;
        int slash = model.indexOf('/');
        if (slash > 0) {
            provider = model.substring(0, slash);
            upstreamModel = model.substring(slash + 1);
            if (upstreamModel.isBlank()) {
                throw GatewayException.badRequest("Invalid 'model': '" + model + "' names a provider but no model.",
                        "model", "invalid_value");
            }
            if (!ProviderRoutes.exists(exchange.getContext(), provider)) {
                throw GatewayException.notFound("Unknown provider '" + provider + "' in model '" + model
                        + "'. This gateway serves: " + String.join(", ", ProviderRoutes.names(exchange.getContext()))
                        + ".", "model", "model_not_found");
            }
        } else {
            provider = catalog.providerOfBareName(model);
            if (provider == null || !ProviderRoutes.exists(exchange.getContext(), provider)) {
                throw GatewayException.notFound("The model '" + model + "' does not exist or is not served by this "
                        + "gateway. Name it as provider/model (for example openai/gpt-4o-mini); GET /v1/models lists "
                        + "what is served.", "model", "model_not_found");
            }
            upstreamModel = model;
        }
        exchange.setVariable(Variables.PROVIDER, provider);
        exchange.setVariable(Variables.UPSTREAM_MODEL, upstreamModel);
    }
}
