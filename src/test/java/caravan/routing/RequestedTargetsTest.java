package caravan.routing;

import caravan.catalog.ModelCatalog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model named in a request is one Target however often it is named: recent calls keep the target of
 * each of the last 100 000 requests, and a Target of their own each would keep 100 000 of them alive.
 */
class RequestedTargetsTest {

    private final ModelComponent models = new ModelComponent(
            ModelCatalog.read(RequestedTargetsTest.class.getResourceAsStream("/models.yaml")));

    @Test
    void namesTheSameTargetWithTheSameObject() {
        Target first = models.target("openai", new String("gpt-4o-mini"));
        Target again = models.target("openai", new String("gpt-4o-mini"));

        assertThat(again).isSameAs(first);
        assertThat(models.target("openai/gpt-4o-mini")).isSameAs(first);
        assertThat(models.target("gpt-4o-mini")).isSameAs(first);
    }

    @Test
    void keepsNoMoreTargetsThanItsBound() {
        for (int i = 0; i < ModelComponent.MAX_CACHED_TARGETS + 10; i++) {
            models.target("vllm", "model-" + i);
        }

        Target late = models.target("vllm", "model-late");

        assertThat(models.target("vllm", "model-late")).isEqualTo(late).isNotSameAs(late);
    }
}
