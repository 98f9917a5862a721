package caravan.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import caravan.api.Globs;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * What the gateway knows about models without asking anyone: which provider serves a bare model name
 * ({@code gpt-4o-mini} → {@code openai}), which models each provider lists in {@code GET /v1/models},
 * their context windows and list prices. Read from {@code models.yaml}: a file in the working directory
 * wins over the copy in the jar (for prices, {@link Prices} layers both with a LiteLLM price file).
 */
public final class ModelCatalog implements PriceList {

    /** A price entry under this name prices every model of its provider that has no entry of its own. */
    static final String ANY_MODEL = "*";

    private final Map<String, ProviderModels> providers;
    /** Per provider, its models' prices: read on every answered call, so built once. */
    private final Map<String, Map<String, ModelPrice>> prices = new java.util.HashMap<>();
    private final List<Map.Entry<Pattern, String>> bareNames = new ArrayList<>();
    /** Per provider, every model the catalog names (listed or priced): the models metrics label by name. */
    private final Map<String, Set<String>> listed = new java.util.HashMap<>();
    /** Bare names already resolved (empty: served by nobody); bounded, since clients choose the names. */
    private final Map<String, Optional<String>> resolved = new ConcurrentHashMap<>();

    ModelCatalog(Map<String, ProviderModels> providers) {
        this.providers = providers;
        providers.forEach((provider, models) -> models.bareNames()
                .forEach(glob -> bareNames.add(Map.entry(Globs.compile(glob), provider))));
        providers.forEach((provider, models) -> prices.put(provider, models.prices()));
        providers.forEach((provider, models) -> {
            Set<String> names = new java.util.HashSet<>(models.models());
            names.addAll(models.priceEntries().keySet());
            names.remove(ANY_MODEL);
            listed.put(provider, Set.copyOf(names));
        });
    }

    public static ModelCatalog read(InputStream yaml) {
        try (yaml) {
            ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    // prices stay exactly as written: 0.075 is not the double nearest to it
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
            File file = mapper.readValue(yaml, File.class);
            return new ModelCatalog(file.providers == null ? Map.of() : file.providers);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the model catalog", e);
        }
    }

    /** The provider that serves a model name written without a provider prefix, or null. */
    public String providerOfBareName(String model) {
        Optional<String> known = resolved.get(model);
        if (known != null) {
            return known.orElse(null);
        }
        Optional<String> provider = bareNames.stream().filter(entry -> entry.getKey().matcher(model).matches())
                .map(Map.Entry::getValue).findFirst();
        if (resolved.size() < 4096) {
            resolved.put(model, provider);
        }
        return provider.orElse(null);
    }

    /** Whether the catalog lists this model for this provider (among its models or its prices). */
    public boolean lists(String provider, String model) {
        Set<String> known = listed.get(provider);
        return known != null && known.contains(model);
    }

    /** The models listed for a provider (possibly none: a self-hosted server serves what it loaded). */
    public List<String> modelsOf(String provider) {
        ProviderModels models = providers.get(provider);
        return models == null ? List.of() : models.models();
    }

    /** The tokens a model takes in (prompt and answer together), or 0 when the catalog does not know. */
    public long contextWindow(String provider, String model) {
        ProviderModels models = providers.get(provider);
        Long window = models == null ? null : models.contextWindows().get(model);
        return window == null ? 0 : window;
    }

    /**
     * This catalog's list price of a model (USD per million tokens per bucket): its own entry, else its
     * provider's {@code "*"} entry; null when the catalog has neither.
     */
    @Override
    public ModelPrice price(String provider, String model) {
        Map<String, ModelPrice> known = prices.get(provider);
        if (known == null) {
            return null;
        }
        ModelPrice price = known.get(model);
        return price != null ? price : known.get(ANY_MODEL);
    }

    /**
     * One provider's entry of {@code models.yaml}; context windows in tokens, prices in USD per million
     * tokens, each either {@code {input, cacheRead, cacheWrite, output, reasoning}} (input and output
     * required) or the older {@code [input, output]}.
     */
    public record ProviderModels(@JsonProperty("bareNames") List<String> bareNames,
                                 @JsonProperty("models") List<String> models,
                                 @JsonProperty("prices") Map<String, JsonNode> priceEntries,
                                 @JsonProperty("contextWindows") Map<String, Long> contextWindows) {
        public ProviderModels {
            bareNames = bareNames == null ? List.of() : List.copyOf(bareNames);
            models = models == null ? List.of() : List.copyOf(models);
            priceEntries = priceEntries == null ? Map.of() : Map.copyOf(priceEntries);
            contextWindows = contextWindows == null ? Map.of() : Map.copyOf(contextWindows);
        }

        Map<String, ModelPrice> prices() {
            Map<String, ModelPrice> prices = new java.util.HashMap<>();
            priceEntries.forEach((model, entry) -> prices.put(model, priceOf(model, entry)));
            return prices;
        }

        private static final Set<String> BUCKETS = Set.of("input", "cacheRead", "cacheWrite", "output", "reasoning");

        private static ModelPrice priceOf(String model, JsonNode entry) {
            try {
                if (entry.isArray()) {
                    if (entry.size() != 2) {
                        throw new IllegalArgumentException("a list price is [input, output]");
                    }
                    return ModelPrice.of(amount(entry.get(0), "input"), amount(entry.get(1), "output"));
                }
                if (!entry.isObject()) {
                    throw new IllegalArgumentException("a price is {input, output, ...} or [input, output]");
                }
                entry.fieldNames().forEachRemaining(bucket -> {
                    if (!BUCKETS.contains(bucket)) {
                        throw new IllegalArgumentException("'" + bucket + "' is not a bucket; the buckets are " + BUCKETS);
                    }
                });
                return new ModelPrice(amount(entry.get("input"), "input"), optional(entry.get("cacheRead"), "cacheRead"),
                        optional(entry.get("cacheWrite"), "cacheWrite"), amount(entry.get("output"), "output"),
                        optional(entry.get("reasoning"), "reasoning"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("The price of " + model + " in models.yaml: " + e.getMessage(), e);
            }
        }

        private static BigDecimal amount(JsonNode value, String bucket) {
            if (value == null || !value.isNumber()) {
                throw new IllegalArgumentException(bucket + " must be a number (USD per million tokens)");
            }
            return value.decimalValue();
        }

        private static BigDecimal optional(JsonNode value, String bucket) {
            return value == null || value.isNull() ? null : amount(value, bucket);
        }
    }

    private static final class File {
        @JsonProperty("providers")
        LinkedHashMap<String, ProviderModels> providers;
    }
}
