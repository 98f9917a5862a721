package caravan.keys;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelScopeTest {

    @Test
    void anEmptyScopeAllowsEverything() {
        assertThat(ModelScope.allows(List.of(), "anything", "openai", "gpt-4o")).isTrue();
    }

    @Test
    void aProviderModelNameAllowsThatModelHoweverItIsWritten() {
        List<String> scope = List.of("openai/gpt-4o-mini");
        assertThat(ModelScope.allows(scope, "openai/gpt-4o-mini", "openai", "gpt-4o-mini")).isTrue();
        assertThat(ModelScope.allows(scope, "gpt-4o-mini", "openai", "gpt-4o-mini")).isTrue();
        assertThat(ModelScope.allows(scope, "openai/gpt-4o", "openai", "gpt-4o")).isFalse();
    }

    @Test
    void aGlobAllowsAProvidersModels() {
        List<String> scope = List.of("openai/*");
        assertThat(ModelScope.allows(scope, "gpt-5-nano", "openai", "gpt-5-nano")).isTrue();
        assertThat(ModelScope.allows(scope, "anthropic/claude-haiku-4-5", "anthropic", "claude-haiku-4-5")).isFalse();
        assertThat(ModelScope.allows(List.of("*-mini"), "openai/gpt-5-mini", "openai", "gpt-5-mini")).isTrue();
    }

    @Test
    void aRouteNameAllowsThatRouteOnly() {
        List<String> scope = List.of("support");
        assertThat(ModelScope.allows(scope, "support", null, null)).isTrue();
        assertThat(ModelScope.allows(scope, "support-v2", null, null)).isFalse();
        assertThat(ModelScope.allows(scope, "openai/gpt-4o", "openai", "gpt-4o")).isFalse();
    }

    @Test
    void globCharactersOtherThanTheStarAreLiteral() {
        assertThat(ModelScope.allows(List.of("openai/gpt-4.1*"), "openai/gpt-401", "openai", "gpt-401")).isFalse();
        assertThat(ModelScope.allows(List.of("openai/gpt-4.1*"), "openai/gpt-4.1-mini", "openai", "gpt-4.1-mini")).isTrue();
    }
}
