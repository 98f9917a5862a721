package caravan.guardrails;

import java.util.List;

import org.apache.camel.Exchange;

/** The guardrails a call's caller adds: its key's and its tenant's, as the admin set them. */
@FunctionalInterface
public interface OwnGuardrails {

    /** The key's guardrails, then the tenant's; empty when neither has any. */
    List<GuardrailStep> of(Exchange exchange);

    OwnGuardrails NONE = exchange -> List.of();
}
