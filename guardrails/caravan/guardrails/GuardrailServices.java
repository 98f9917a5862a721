package caravan.guardrails;

import java.util.concurrent.Executor;

import caravan.guardrails.injection.InjectionScorer;
import org.apache.camel.CamelContext;

/**
 * What guardrails may use beyond their settings: the Camel context (to call the gateway's provider routes and
 * Kamelets), the worker pool that computing checks move to when texts are large, and the injection
 * classifier, one for the gateway so that its scores are computed once for the default set and every key's
 * guardrails alike (null: {@code injection} runs on its rules alone).
 */
public record GuardrailServices(CamelContext context, Executor workers, InjectionScorer injectionScorer) {
}
