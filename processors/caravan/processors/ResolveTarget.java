package caravan.processors;

import java.util.List;

import caravan.api.ChatRequest;
import caravan.api.GatewayException;
import caravan.api.ModelNames;
import caravan.api.Variables;
import caravan.catalog.ModelCatalog;
import caravan.catalog.PolicyRoutes;
import caravan.catalog.ProviderRoutes;
import caravan.keys.ModelScope;
import caravan.keys.VirtualKey;
import caravan.routing.ModelEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;

/**
 * Turns the request's {@code model} into where it goes ({@code target}): a named route of
 * {@code routes/policies}, or a provider and the model name that provider is asked for, written as
 * {@code provider/model} (everything after the first slash is the provider's model name) or as a bare
 * name the model catalog knows. A provider and model go into {@code provider} and {@code upstreamModel},
 * and the target is {@code model:requested}, which calls them (then the request's own {@code fallbacks},
 * which must resolve the same way): a client's string never becomes part of an endpoint URI. A name that
 * is too long or holds control characters, {@code ?}, {@code &} or {@code #} is a 400; an unknown route,
 * provider or model is a 404; a route or model outside the caller's key's {@code models} is a 403.
 */
public final class ResolveTarget implements org.apache.camel.Processor {

    private final ModelCatalog catalog;

    public ResolveTarget(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void process(Exchange exchange) {
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        String model = request.model();
        ModelNames.check(model, "model");
        List<String> fallbacks = request.fallbacks();
        for (int i = 0; i < fallbacks.size(); i++) {
            ModelNames.check(fallbacks.get(i), "fallbacks[" + i + "]");
        }
        CamelContext context = exchange.getContext();
        VirtualKey key = exchange.getVariable(Variables.VIRTUAL_KEY, VirtualKey.class);
        Route named = PolicyRoutes.named(context, model);
        if (named != null) {
            checkScope(key, model, null, null, "model");
            exchange.setVariable(Variables.ROUTE, model);
            exchange.setVariable(Variables.TARGET, named.getEndpoint().getEndpointUri());
            return;
        }
        String[] resolved = resolve(context, model, "model");
        checkScope(key, model, resolved[0], resolved[1], "model");
        for (int i = 0; i < fallbacks.size(); i++) {
            String[] fallback = resolve(context, fallbacks.get(i), "fallbacks[" + i + "]");
            checkScope(key, fallbacks.get(i), fallback[0], fallback[1], "fallbacks[" + i + "]");
        }
        exchange.setVariable(Variables.PROVIDER, resolved[0]);
        exchange.setVariable(Variables.UPSTREAM_MODEL, resolved[1]);
        // one endpoint for every directly named model: the name stays data, never part of an endpoint URI
        exchange.setVariable(Variables.TARGET, ModelEndpoint.REQUESTED_URI);
    }

    /** A virtual key calls only what its {@code models} allow: 403 {@code model_not_allowed} otherwise. */
    private static void checkScope(VirtualKey key, String requested, String provider, String upstreamModel, String param) {
        if (key != null && !ModelScope.allows(key.models(), requested, provider, upstreamModel)) {
            throw GatewayException.modelNotAllowed(requested, param);
        }
    }

    /** The provider and its model name for {@code model}, or the 400/404 that explains why there is none. */
    private String[] resolve(CamelContext context, String model, String param) {
        int slash = model.indexOf('/');
        if (slash > 0) {
            String provider = model.substring(0, slash);
            String upstreamModel = model.substring(slash + 1);
            if (upstreamModel.isBlank()) {
                throw GatewayException.badRequest("Invalid '" + param + "': '" + model + "' names a provider but no model.",
                        param, "invalid_value");
            }
            if (!ProviderRoutes.exists(context, provider)) {
                throw GatewayException.notFound("Unknown provider '" + provider + "' in model '" + model
                        + "'. This gateway serves: " + String.join(", ", ProviderRoutes.names(context)) + ".",
                        param, "model_not_found");
            }
            return new String[] {provider, upstreamModel};
        }
        String provider = catalog.providerOfBareName(model);
        if (provider == null || !ProviderRoutes.exists(context, provider)) {
            throw GatewayException.notFound("The model '" + model + "' does not exist or is not served by this gateway. "
                    + "Name it as provider/model (for example openai/gpt-4o-mini) or as a named route; GET /v1/models "
                    + "lists what is served.", param, "model_not_found");
        }
        return new String[] {provider, model};
    }
}
