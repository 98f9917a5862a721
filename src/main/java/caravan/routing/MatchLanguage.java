package caravan.routing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import caravan.api.ChatRequest;
import caravan.api.Json;
import caravan.api.Variables;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.ExpressionSupport;
import org.apache.camel.support.LanguageSupport;

/**
 * The {@code match} language: conditions on the request in the Mongo-style query form that Portkey and
 * FutureAGI conditional routing configs use, so their queries can be pasted into a route unchanged:
 * <pre>{"metadata.tier": {"$in": ["free", "trial"]}, "params.max_tokens": {"$lte": 1024}}</pre>
 * Paths over what the client sent: {@code model}, {@code user} and any request field (optionally as
 * {@code params.<field>}), {@code metadata.<key>}, {@code headers.<name>}. Paths over what the admin set,
 * which a client cannot forge, for conditions about entitlement (a plan, a tier): the caller's key
 * ({@code key.id}, {@code key.name}, {@code key.team}, {@code key.user}, {@code key.metadata.<field>}) and
 * tenant ({@code tenant} or {@code tenant.id}, {@code tenant.metadata.<field>}); without a key or a stored
 * tenant they are missing. Operators: {@code $eq $ne $in $nin $regex $gt $lt $gte $lte $exists}, and
 * {@code $and $or} over lists of queries; a plain value means {@code $eq}; several fields in one object must
 * all match. The query is compiled once, when the route starts, its paths included (an unknown key or
 * tenant attribute fails the route then).
 */
public final class MatchLanguage extends LanguageSupport {

    @Override
    public org.apache.camel.Predicate createPredicate(String query) {
        Predicate<Exchange> condition = compile(parse(query));
        return new org.apache.camel.Predicate() {
            @Override
            public boolean matches(Exchange exchange) {
                return condition.test(exchange);
            }

            @Override
            public String toString() {
                return "match:" + query;
            }
        };
    }

    @Override
    public Expression createExpression(String query) {
        Predicate<Exchange> condition = compile(parse(query));
        return new ExpressionSupport() {
            @Override
            public <T> T evaluate(Exchange exchange, Class<T> type) {
                return exchange.getContext().getTypeConverter().convertTo(type, condition.test(exchange));
            }

            @Override
            protected String assertionFailureMessage(Exchange exchange) {
                return "match:" + query;
            }
        };
    }

    private static JsonNode parse(String query) {
        try {
            JsonNode node = Json.MAPPER.readTree(query);
            if (!node.isObject()) {
                throw new IllegalArgumentException("A match query is a JSON object: " + query);
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("A match query is a JSON object: " + query, e);
        }
    }

    static Predicate<Exchange> compile(JsonNode query) {
        List<Predicate<Exchange>> all = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : query.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            switch (key) {
                case "$and" -> all.add(combine(value, true));
                case "$or" -> all.add(combine(value, false));
                default -> {
                    Function<Exchange, JsonNode> read = reader(key);
                    Predicate<JsonNode> test = field(value);
                    all.add(exchange -> test.test(read.apply(exchange)));
                }
            }
        }
        return exchange -> all.stream().allMatch(condition -> condition.test(exchange));
    }

    private static Predicate<Exchange> combine(JsonNode queries, boolean and) {
        if (!queries.isArray()) {
            throw new IllegalArgumentException("$and and $or take a list of queries");
        }
        List<Predicate<Exchange>> parts = new ArrayList<>();
        queries.forEach(query -> parts.add(compile(query)));
        return and ? exchange -> parts.stream().allMatch(p -> p.test(exchange))
                : exchange -> parts.stream().anyMatch(p -> p.test(exchange));
    }

    /** The condition on one field: operators, or a plain value meaning equality. */
    private static Predicate<JsonNode> field(JsonNode condition) {
        if (!condition.isObject() || !condition.fieldNames().hasNext() || !condition.fieldNames().next().startsWith("$")) {
            return actual -> same(actual, condition);
        }
        List<Predicate<JsonNode>> all = new ArrayList<>();
        for (Map.Entry<String, JsonNode> operator : condition.properties()) {
            JsonNode operand = operator.getValue();
            all.add(switch (operator.getKey()) {
                case "$eq" -> actual -> same(actual, operand);
                case "$ne" -> actual -> !same(actual, operand);
                case "$in" -> actual -> contains(operand, actual);
                case "$nin" -> actual -> !contains(operand, actual);
                case "$exists" -> actual -> (!actual.isMissingNode() && !actual.isNull()) == operand.asBoolean();
                case "$regex" -> {
                    Pattern pattern = Pattern.compile(operand.asText());
                    yield actual -> actual.isValueNode() && pattern.matcher(actual.asText()).find();
                }
                case "$gt" -> actual -> compare(actual, operand) > 0;
                case "$gte" -> actual -> compare(actual, operand) >= 0;
                case "$lt" -> actual -> compare(actual, operand) < 0 && comparable(actual, operand);
                case "$lte" -> actual -> compare(actual, operand) <= 0 && comparable(actual, operand);
                default -> throw new IllegalArgumentException("Unknown match operator " + operator.getKey());
            });
        }
        return actual -> all.stream().allMatch(test -> test.test(actual));
    }

    /**
     * What reads a path's value from an exchange; a missing value is {@link MissingNode}. {@code key} and
     * {@code tenant} name the caller's key and tenant, never request fields of those names (which a client
     * could write): those are {@code params.key}, {@code params.tenant}.
     */
    private static Function<Exchange, JsonNode> reader(String path) {
        if (path.startsWith("headers.")) {
            String name = path.substring("headers.".length());
            return exchange -> text(exchange.getMessage().getHeader(name, String.class));
        }
        if (path.equals("key") || path.startsWith("key.")) {
            return keyAttribute(path);
        }
        if (path.equals("tenant") || path.startsWith("tenant.")) {
            return tenantAttribute(path);
        }
        String[] fields = (path.startsWith("params.") ? path.substring("params.".length()) : path).split("\\.");
        return exchange -> {
            ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
            return request == null ? MissingNode.getInstance() : at(request.json(), fields);
        };
    }

    /** {@code key.id}, {@code key.name}, {@code key.team}, {@code key.user}, {@code key.metadata.<field>}. */
    private static Function<Exchange, JsonNode> keyAttribute(String path) {
        if (path.equals("key.metadata") || path.startsWith("key.metadata.")) {
            String[] fields = metadataFields(path, "key.metadata");
            return exchange -> {
                VirtualKey key = exchange.getVariable(Variables.VIRTUAL_KEY, VirtualKey.class);
                return key == null ? MissingNode.getInstance() : at(key.metadata(), fields);
            };
        }
        Function<VirtualKey, String> attribute = switch (path) {
            case "key.id" -> VirtualKey::id;
            case "key.name" -> VirtualKey::name;
            case "key.team" -> VirtualKey::team;
            case "key.user" -> VirtualKey::user;
            default -> throw new IllegalArgumentException("Unknown match path '" + path + "': a key's are key.id, "
                    + "key.name, key.team, key.user and key.metadata.<field>");
        };
        return exchange -> {
            VirtualKey key = exchange.getVariable(Variables.VIRTUAL_KEY, VirtualKey.class);
            return key == null ? MissingNode.getInstance() : text(attribute.apply(key));
        };
    }

    /** {@code tenant} and {@code tenant.id} (the caller's tenant, always known), {@code tenant.metadata.<field>}. */
    private static Function<Exchange, JsonNode> tenantAttribute(String path) {
        if (path.equals("tenant") || path.equals("tenant.id")) {
            return exchange -> text(exchange.getVariable(Variables.TENANT, String.class));
        }
        if (path.equals("tenant.metadata") || path.startsWith("tenant.metadata.")) {
            String[] fields = metadataFields(path, "tenant.metadata");
            return exchange -> {
                Tenant tenant = exchange.getVariable(Variables.TENANT_PROFILE, Tenant.class);
                return tenant == null ? MissingNode.getInstance() : at(tenant.metadata(), fields);
            };
        }
        throw new IllegalArgumentException("Unknown match path '" + path + "': a tenant's are tenant (or tenant.id) "
                + "and tenant.metadata.<field>");
    }

    private static String[] metadataFields(String path, String metadata) {
        return path.length() == metadata.length() ? new String[0] : path.substring(metadata.length() + 1).split("\\.");
    }

    /** The node at {@code fields} under {@code node} (a nested field is {@code a.b}); missing when any is absent. */
    private static JsonNode at(JsonNode node, String[] fields) {
        JsonNode found = node == null ? MissingNode.getInstance() : node;
        for (String field : fields) {
            found = found.path(field);
        }
        return found;
    }

    private static JsonNode text(String value) {
        return value == null ? MissingNode.getInstance() : TextNode.valueOf(value);
    }

    private static boolean same(JsonNode actual, JsonNode expected) {
        if (actual.isNumber() && expected.isNumber()) {
            return actual.decimalValue().compareTo(expected.decimalValue()) == 0;
        }
        return actual.equals(expected);
    }

    private static boolean contains(JsonNode list, JsonNode actual) {
        if (!list.isArray()) {
            throw new IllegalArgumentException("$in and $nin take a list");
        }
        for (JsonNode candidate : list) {
            if (same(actual, candidate)) {
                return true;
            }
        }
        return false;
    }

    private static boolean comparable(JsonNode actual, JsonNode operand) {
        return actual.isNumber() && operand.isNumber() || actual.isTextual() && operand.isTextual();
    }

    /** Orders numbers by value and strings lexically; anything else never satisfies $gt/$lt. */
    private static int compare(JsonNode actual, JsonNode operand) {
        if (actual.isNumber() && operand.isNumber()) {
            return actual.decimalValue().compareTo(operand.decimalValue());
        }
        if (actual.isTextual() && operand.isTextual()) {
            return actual.asText().compareTo(operand.asText());
        }
        return Integer.MIN_VALUE;
    }
}
