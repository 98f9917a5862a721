package caravan.guardrails;

import java.util.concurrent.Executor;

import org.apache.camel.CamelContext;

/**
 * What guardrails may use beyond their settings: the Camel context (to call the gateway's provider routes and
 * Kamelets) and the worker pool that computing checks move to when texts are large.
 */
public record GuardrailServices(CamelContext context, Executor workers) {
}
