package caravan.processors;

import java.time.Instant;
import java.util.List;

import caravan.api.CallContext;
import caravan.api.ChatRequest;
import caravan.api.Json;
import caravan.api.Variables;
import caravan.keys.Budget;
import caravan.keys.Limits;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/** A chat call as the admission step meets it: parsed, resolved to openai/gpt-4o-mini, under a key with these limits. */
final class AdmitCalls {

    private AdmitCalls() {
    }

    static Exchange of(CamelContext camel, Limits limits, Budget budget) throws Exception {
        Instant now = Instant.now();
        VirtualKey key = new VirtualKey("key-1", "digest", "ck-test", "test", "default", null, null, List.of(), limits,
                budget, null, null, now, now, null, false, null);
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable(Variables.CALL, new CallContext("req-1", "/v1/chat/completions", 30_000));
        exchange.setVariable(Variables.REQUEST, new ChatRequest((ObjectNode) Json.MAPPER.readTree("""
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}"""), null));
        exchange.setVariable(Variables.VIRTUAL_KEY, key);
        exchange.setVariable(Variables.TENANT, "default");
        exchange.setVariable(Variables.PROVIDER, "openai");
        exchange.setVariable(Variables.UPSTREAM_MODEL, "gpt-4o-mini");
        return exchange;
    }
}
