package caravan.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * What the gateway knows about models without asking anyone: which provider serves a bare model name
 * ({@code gpt-4o-mini} → {@code openai}) and which models each provider lists in {@code GET /v1/models}.
 * Read from {@code models.yaml}: a file in the working directory wins over the copy in the jar.
 */
public final class ModelCatalog {

    private final Map<String, ProviderModels> providers;
    /** Per provider, its models' prices: read on every answered call, so built once. */
    private final Map<String, Map<String, Price>> prices = new java.util.HashMap<>();
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
            names.addAll(models.pricePairs().keySet());
            listed.put(provider, Set.copyOf(names));
        });
    }

    public static ModelCatalog read(InputStream yaml) {
        try (yaml) {
            ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
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

    /** The list price of a model in USD per million tokens, or null when the catalog does not know it. */
    public Price price(String provider, String model) {
        Map<String, Price> known = prices.get(provider);
        return known == null ? null : known.get(model);
    }

    /** USD per million input (prompt) and output (completion) tokens. */
    public record Price(double input, double output) {
        /** The price of a call with this usage. */
        public double cost(long inputTokens, long outputTokens) {
            return (inputTokens * input + outputTokens * output) / 1_000_000d;
        }
    }

    /**
     * One provider's entry of {@code models.yaml}; prices are {@code [input, output]} USD per million tokens,
     * context windows in tokens.
     */
    public record ProviderModels(@JsonProperty("bareNames") List<String> bareNames,
                                 @JsonProperty("models") List<String> models,
                                 @JsonProperty("prices") Map<String, List<Double>> pricePairs,
                                 @JsonProperty("contextWindows") Map<String, Long> contextWindows) {
        public ProviderModels {
            bareNames = bareNames == null ? List.of() : List.copyOf(bareNames);
            models = models == null ? List.of() : List.copyOf(models);
            pricePairs = pricePairs == null ? Map.of() : Map.copyOf(pricePairs);
            contextWindows = contextWindows == null ? Map.of() : Map.copyOf(contextWindows);
        }

        Map<String, Price> prices() {
            Map<String, Price> prices = new java.util.HashMap<>();
            pricePairs.forEach((model, pair) -> {
                if (pair.size() != 2) {
                    throw new IllegalArgumentException("The price of " + model + " must be [input, output]");
                }
                prices.put(model, new Price(pair.get(0), pair.get(1)));
            });
            return prices;
        }
    }

    private static final class File {
        @JsonProperty("providers")
        LinkedHashMap<String, ProviderModels> providers;
    }
}
