package caravan.edge;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import caravan.testing.GatewayUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelsAndHealthTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayUnderTest.builder().start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void listsTheNamedRoutesAndTheModelsOfEveryProviderRouteInOpenAisFormat() throws Exception {
        HttpResponse<String> response = gateway.get("/v1/models");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode list = JSON.readTree(response.body());
        assertThat(list.get("object").asText()).isEqualTo("list");
        List<String> models = new ArrayList<>();
        List<String> routes = new ArrayList<>();
        for (JsonNode model : list.get("data")) {
            assertThat(model.get("object").asText()).isEqualTo("model");
            String id = model.get("id").asText();
            if ("caravan".equals(model.get("owned_by").asText())) {
                routes.add(id);
            } else {
                assertThat(model.get("owned_by").asText()).isEqualTo(id.split("/")[0]);
                models.add(id);
            }
        }
        assertThat(models).contains("openai/gpt-4o-mini", "echo/echo-1", "mistral/mistral-large-latest",
                "anthropic/claude-sonnet-4-5", "gemini/gemini-2.5-flash");
        assertThat(routes).contains("support", "weighted-split", "fastest", "cheapest-json", "by-plan");
    }

    @Test
    void isLiveAndReady() throws Exception {
        HttpResponse<String> live = gateway.get("/healthz");
        HttpResponse<String> ready = gateway.get("/readyz");

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).get("status").asText()).isEqualTo("ok");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("status").asText()).isEqualTo("ready");
    }

    @Test
    void isNotReadyWhileARouteIsStopped() throws Exception {
        gateway.context().getRouteController().stopRoute("provider-vllm");
        try {
            assertThat(gateway.get("/readyz").statusCode()).isEqualTo(503);
        } finally {
            gateway.context().getRouteController().startRoute("provider-vllm");
        }
        assertThat(gateway.get("/readyz").statusCode()).isEqualTo(200);
    }
}
