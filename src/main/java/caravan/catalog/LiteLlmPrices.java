package caravan.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Prices from LiteLLM's {@code model_prices_and_context_window.json}, the file many teams already keep
 * up to date: one object per model, keyed by the model's name ({@code "gpt-4o"}, {@code "claude-sonnet-4-5"})
 * or by a provider prefix and the name ({@code "gemini/gemini-2.5-pro"}, {@code "azure/gpt-4o"},
 * {@code "together_ai/meta-llama/..."}), with {@code litellm_provider} naming the provider and prices in
 * US dollars per token: {@code input_cost_per_token}, {@code output_cost_per_token},
 * {@code cache_read_input_token_cost}, {@code cache_creation_input_token_cost},
 * {@code output_cost_per_reasoning_token}. Entries without both an input and an output price (images,
 * audio, per-second models) are skipped, and so are the other fields (tiers above 200k tokens, batch,
 * priority and flex prices): the gateway prices the standard on-demand rate.
 *
 * <p>A model is found under the gateway's provider name: LiteLLM's provider names are mapped to the
 * gateway's ({@code together_ai} is {@code together}, {@code cohere_chat} is {@code cohere}, both
 * {@code bedrock} and {@code bedrock_converse} are {@code bedrock}, ...) and a key's provider prefix is
 * dropped, so {@code gemini/gemini-2.5-pro} prices {@code gemini/gemini-2.5-pro} as the gateway writes it
 * and {@code gpt-4o} prices {@code openai/gpt-4o}. A key can also be written exactly as the gateway names
 * a model, {@code <route>/<model>}, for a provider route of one's own ({@code bedrock-eu/...}).
 */
public final class LiteLlmPrices implements PriceList {

    /** LiteLLM's provider names that differ from the gateway's, or that mean one of its providers. */
    private static final Map<String, String> PROVIDERS = Map.ofEntries(
            Map.entry("text-completion-openai", "openai"),
            Map.entry("bedrock_converse", "bedrock"),
            Map.entry("cohere_chat", "cohere"),
            Map.entry("together_ai", "together"),
            Map.entry("ollama_chat", "ollama"),
            Map.entry("hosted_vllm", "vllm"));
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** {@code provider/model} as the gateway names it → its price. */
    private final Map<String, ModelPrice> prices;

    private LiteLlmPrices(Map<String, ModelPrice> prices) {
        this.prices = prices;
    }

    public static LiteLlmPrices read(InputStream json) {
        // prices stay as the file writes them (2.5e-06 is exactly 2.5 per million, not a binary double)
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        JsonNode root;
        try (json) {
            root = mapper.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the LiteLLM price file: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("A LiteLLM price file is one JSON object, keyed by model");
        }
        Map<String, ModelPrice> prices = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = root.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            JsonNode spec = entry.getValue();
            ModelPrice price = "sample_spec".equals(entry.getKey()) || !spec.isObject() ? null : priceOf(spec);
            if (price == null) {
                continue;
            }
            String key = entry.getKey();
            String litellmProvider = spec.path("litellm_provider").asText("");
            String provider = PROVIDERS.getOrDefault(litellmProvider, litellmProvider);
            // the key exactly as written, for a key that already says provider/model the gateway's way
            prices.putIfAbsent(key, price);
            if (!provider.isEmpty()) {
                prices.putIfAbsent(provider + "/" + withoutProviderPrefix(key, litellmProvider, provider), price);
            }
        }
        return new LiteLlmPrices(Map.copyOf(prices));
    }

    @Override
    public ModelPrice price(String provider, String model) {
        return prices.get(provider + "/" + model);
    }

    /** How many {@code provider/model} names the file prices (for the start-up log). */
    public int size() {
        return prices.size();
    }

    private static String withoutProviderPrefix(String key, String litellmProvider, String provider) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return key;
        }
        String prefix = key.substring(0, slash);
        return prefix.equals(litellmProvider) || prefix.equals(provider) || PROVIDERS.containsKey(prefix)
                ? key.substring(slash + 1) : key;
    }

    private static ModelPrice priceOf(JsonNode spec) {
        BigDecimal input = perMillion(spec.get("input_cost_per_token"));
        BigDecimal output = perMillion(spec.get("output_cost_per_token"));
        if (input == null || output == null) {
            return null;
        }
        return new ModelPrice(input, perMillion(spec.get("cache_read_input_token_cost")),
                perMillion(spec.get("cache_creation_input_token_cost")), output,
                perMillion(spec.get("output_cost_per_reasoning_token")));
    }

    /** A per-token price as USD per million tokens; null when absent or not a number. */
    private static BigDecimal perMillion(JsonNode perToken) {
        if (perToken == null || !perToken.isNumber() || perToken.decimalValue().signum() < 0) {
            return null;
        }
        return perToken.decimalValue().multiply(MILLION).stripTrailingZeros();
    }
}
