package caravan.guardrails;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code guardrail:<name>?stage=...&action=...&threshold=...&sample=...&mode=...}: a guardrail a route places
 * itself, as a step. Before the route's model call it checks the request; after it, the answer, and a
 * refused answer fails as a post-check, so a fallback route moves on to its next model. Every other parameter
 * is the guardrail's own setting ({@code terms}, {@code url}, ...), checked when the route starts: a
 * misspelt one stops the route from starting, naming it. The guardrails' shared services are found in the
 * registry ({@code guardrailChecks}, {@code guardrailFactory}).
 */
@org.apache.camel.spi.annotations.Component("guardrail")
public final class GuardrailComponent extends DefaultComponent {

    public GuardrailComponent() {
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        GuardrailFactory factory = getCamelContext().getRegistry().lookupByNameAndType(GuardrailsBeans.FACTORY, GuardrailFactory.class);
        if (factory == null) {
            throw new IllegalStateException("guardrail: endpoints need the gateway's guardrail factory ("
                    + GuardrailsBeans.FACTORY + " in the registry)");
        }
        // placeholders and RAW(...) resolved as Camel resolves any endpoint option, then every option is the factory's
        Map<String, Object> options = new LinkedHashMap<>();
        parameters.forEach((key, value) -> options.put(key, value == null ? null : getCamelContext().resolvePropertyPlaceholders(
                String.valueOf(value))));
        parameters.clear();
        GuardrailStep step;
        try {
            step = factory.create(remaining, options);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Endpoint " + uri + ": " + e.getMessage(), e);
        }
        return new GuardrailEndpoint(uri, this, step);
    }
}
