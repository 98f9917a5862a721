package caravan.processors;

import java.util.List;

import caravan.api.Json;
import caravan.api.Variables;
import caravan.catalog.ModelCatalog;
import caravan.catalog.PolicyRoutes;
import caravan.catalog.ProviderRoutes;
import caravan.keys.ModelScope;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /v1/models} in OpenAI's list format: the named routes (owned by {@code caravan}), then for
 * every provider route the catalog's models as {@code provider/model}, owned by that provider; for a
 * virtual key, only what its {@code models} allow.
 */
public final class ListModels implements Processor {

    private final ModelCatalog catalog;

    public ListModels(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        VirtualKey key = exchange.getVariable(Variables.VIRTUAL_KEY, VirtualKey.class);
        List<String> scope = key == null ? List.of() : key.models();
        for (String route : PolicyRoutes.names(exchange.getContext())) {
            if (!ModelScope.allows(scope, route, null, null)) {
                continue;
            }
            data.addObject().put("id", route).put("object", "model").put("created", 0).put("owned_by", "caravan");
        }
        for (String provider : ProviderRoutes.names(exchange.getContext())) {
            for (String model : catalog.modelsOf(provider)) {
                if (!ModelScope.allows(scope, provider + "/" + model, provider, model)) {
                    continue;
                }
                data.addObject()
                        .put("id", provider + "/" + model)
                        .put("object", "model")
                        .put("created", 0)
                        .put("owned_by", provider);
            }
        }
        exchange.getMessage().setBody(Json.MAPPER.writeValueAsBytes(list));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
