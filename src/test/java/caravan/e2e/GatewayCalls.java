package caravan.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain HTTP calls to a {@link GatewayProcess}, the admin API's included (as an operator makes them with
 * curl), each answer kept whole (status, headers, body) for a test that looks at everything it was told.
 */
final class GatewayCalls {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer as the client received it. */
    record Answer(String method, String path, int status, String headers, String body) {
        @Override
        public String toString() {
            return method + " " + path + " -> " + status + "\n" + headers + "\n" + body;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final GatewayProcess gateway;
    private final String masterKey;
    private final List<Answer> answers = new CopyOnWriteArrayList<>();

    GatewayCalls(GatewayProcess gateway, String masterKey) {
        this.gateway = gateway;
        this.masterKey = masterKey;
    }

    /** @param headers name, value, name, value, ... */
    HttpResponse<String> call(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url(path))).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            answers.add(new Answer(method, path, response.statusCode(), response.headers().map().toString(), response.body()));
            return response;
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    /** An OpenAI chat completion with {@code key} as its bearer key. */
    HttpResponse<String> chat(String key, String model) {
        return call("POST", "/v1/chat/completions", "{\"model\":\"" + model + "\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}", "Authorization", "Bearer " + key);
    }

    HttpResponse<String> admin(String method, String path, String body) {
        return call(method, path, body, "Authorization", "Bearer " + masterKey);
    }

    /** Makes a key; the answer carries its secret in {@code key}. */
    JsonNode createKey(String json) {
        return ok(admin("POST", "/admin/keys", json), 201);
    }

    JsonNode createTenant(String json) {
        return ok(admin("POST", "/admin/tenants", json), 201);
    }

    JsonNode adminGet(String path) {
        return ok(admin("GET", path, null), 200);
    }

    void revokeKey(String id) {
        ok(admin("DELETE", "/admin/keys/" + id, null), 200);
    }

    /** Every answer received so far, in order. */
    List<Answer> answers() {
        return List.copyOf(answers);
    }

    static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("%s %s", response.request().uri(), response.body()).isEqualTo(status);
        return json(response.body());
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
