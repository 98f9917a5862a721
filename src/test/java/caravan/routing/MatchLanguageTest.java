package caravan.routing;

import caravan.api.ChatRequest;
import caravan.api.Variables;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The match language against one request, with Portkey-style queries. */
class MatchLanguageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST = """
            {"model":"gpt-4o","user":"u-42","temperature":0.7,"max_tokens":800,"stream":false,
             "messages":[{"role":"user","content":"hi"}],
             "metadata":{"tier":"standard","tenant":"acme","score":3}}""";

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"metadata.tier": "standard"}                                   | true
            {"metadata.tier": "enterprise"}                                 | false
            {"metadata.tier": {"$eq": "standard"}}                          | true
            {"metadata.tier": {"$ne": "standard"}}                          | false
            {"metadata.tier": {"$in": ["free", "standard"]}}                | true
            {"metadata.tier": {"$nin": ["free", "standard"]}}               | false
            {"metadata.tenant": {"$regex": "^ac"}}                          | true
            {"metadata.tenant": {"$regex": "^zz"}}                          | false
            {"params.max_tokens": {"$gt": 500}}                             | true
            {"params.max_tokens": {"$gte": 800}}                            | true
            {"params.max_tokens": {"$lt": 800}}                             | false
            {"params.max_tokens": {"$lte": 800}}                            | true
            {"temperature": {"$gte": 0.5, "$lt": 1}}                        | true
            {"metadata.score": 3.0}                                         | true
            {"metadata.missing": {"$exists": false}}                        | true
            {"metadata.tier": {"$exists": true}}                            | true
            {"metadata.missing": {"$gt": 1}}                                | false
            {"metadata.missing": {"$lt": 1}}                                | false
            {"model": "gpt-4o", "user": "u-42"}                             | true
            {"model": "gpt-4o", "user": "other"}                            | false
            {"$or": [{"metadata.tier": "free"}, {"metadata.tenant": "acme"}]} | true
            {"$and": [{"metadata.tier": "standard"}, {"stream": true}]}      | false
            {"headers.x-team": "search"}                                    | true
            {"headers.x-other": {"$exists": true}}                          | false
            """)
    void evaluates(String query, boolean expected) throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(Variables.REQUEST, new ChatRequest((ObjectNode) JSON.readTree(REQUEST), null));
        exchange.getMessage().setHeader("x-team", "search");

        assertThat(new MatchLanguage().createPredicate(query).matches(exchange)).isEqualTo(expected);
    }
}
