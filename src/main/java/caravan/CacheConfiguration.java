package caravan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import caravan.cache.AnswerStore;
import caravan.cache.CacheMode;
import caravan.cache.CacheSettings;
import caravan.cache.SemanticCache;
import caravan.cache.SemanticIndex;
import caravan.cache.LocalAnswerStore;
import caravan.cache.RedisAnswerStore;
import caravan.cache.ResponseCache;
import caravan.embedding.EmbeddingPool;
import caravan.limits.RedisCalls;
import caravan.limits.RedisSettings;
import caravan.processors.CacheLookup;
import caravan.processors.CacheStore;
import caravan.telemetry.CallRecorder;
import io.vertx.core.Vertx;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the response cache (README: "Caching") and the {@code cacheLookup} and {@code cacheStore} steps the
 * routes name: the defaults from {@code GATEWAY_CACHE}, {@code GATEWAY_CACHE_TTL_S} and
 * {@code GATEWAY_CACHE_SIMILARITY}; exact entries in this process's memory (bounded by
 * {@code GATEWAY_CACHE_MAX_BYTES}), or in the Redis at {@code REDIS_URL}, shared by every instance, with the
 * embedded store serving while Redis cannot be reached; the semantic cache (an embedding model in process, a
 * Lucene index per tenant under the data folder, entries shared through a Redis stream when Redis is
 * configured), whose model loads at start when the default mode is semantic, else on a route's first
 * semantic call. Runs after {@link GatewayConfiguration} (Vert.x), {@link TelemetryConfiguration} (the call
 * recorder) and {@link EmbeddingConfiguration} (the embedding pool it shares with the guardrails).
 */
public final class CacheConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CacheConfiguration.class);
    static final String KEY_PREFIX = "caravan:cache:";

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        Vertx vertx = registry.lookupByNameAndType("vertx", Vertx.class);
        CallRecorder recorder = registry.lookupByNameAndType("callRecorder", CallRecorder.class);

        CacheSettings defaults = new CacheSettings(
                CacheMode.of(setting(properties, "gateway.cache.mode", "off"), "GATEWAY_CACHE"),
                Long.parseLong(setting(properties, "gateway.cache.ttl-s", "3600")),
                Double.parseDouble(setting(properties, "gateway.cache.similarity", "0.95")),
                Long.parseLong(setting(properties, "gateway.cache.max-entry-bytes",
                        Long.toString(CacheSettings.DEFAULT_MAX_ENTRY_BYTES))),
                Integer.parseInt(setting(properties, "gateway.cache.max-messages",
                        Integer.toString(CacheSettings.DEFAULT_MAX_MESSAGES))),
                Double.parseDouble(setting(properties, "gateway.cache.max-temperature",
                        Double.toString(CacheSettings.DEFAULT_MAX_TEMPERATURE))),
                Boolean.parseBoolean(setting(properties, "gateway.cache.tool-calls", "false")));
        long maxBytes = Long.parseLong(setting(properties, "gateway.cache.max-bytes", Long.toString(64L * 1024 * 1024)));
        if (maxBytes < 0) {
            throw new IllegalArgumentException("GATEWAY_CACHE_MAX_BYTES must not be negative, not " + maxBytes);
        }
        LocalAnswerStore local = new LocalAnswerStore(maxBytes);
        AnswerStore exact = local;
        String redisUrl = setting(properties, "gateway.redis-url", "");
        RedisCalls redisCalls = null;
        if (!redisUrl.isEmpty()) {
            RedisSettings redis = RedisSettings.of(redisUrl).withTimeout(Duration.ofMillis(
                    Long.parseLong(setting(properties, "gateway.redis-timeout-ms", "250"))));
            redisCalls = RedisCalls.forCommands(vertx, redis);
            exact = new RedisAnswerStore(redisCalls, KEY_PREFIX + "e:", redis.address(), local,
                    recorder == null ? operation -> { } : recorder::onCacheFallback);
        }
        Path home = Path.of(setting(properties, "gateway.home", "")).toAbsolutePath();
        Path semanticFolder = home.resolve(setting(properties, "gateway.data-dir", "data")).normalize()
                .resolve("semantic-cache");
        int maxSemanticEntries = Integer.parseInt(setting(properties, "gateway.cache.semantic-max-entries", "100000"));
        ScheduledExecutorService indexer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "caravan-semantic-index");
            thread.setDaemon(true);
            return thread;
        });
        EmbeddingPool embeddings = registry.lookupByNameAndType(EmbeddingConfiguration.BEAN, EmbeddingPool.class);
        SemanticCache semantic = new SemanticCache(embeddings, new SemanticIndex(semanticFolder, maxSemanticEntries), indexer);
        if (redisCalls != null) {
            semantic.shareThrough(vertx, redisCalls, KEY_PREFIX + "s", maxSemanticEntries);
        }
        if (defaults.mode() == CacheMode.SEMANTIC) {
            semantic.embeddings().preload();
        }
        ResponseCache cache = new ResponseCache(defaults, exact, semantic);
        LOG.info("Response cache: {} by default (routes may say otherwise); exact entries in {}{}",
                defaults.mode().wireName(), exact.kind(),
                exact == local ? " (at most " + maxBytes / (1024 * 1024) + " MB)" : ", the embedded cache while it is down");
        registry.bind("responseCache", cache);
        registry.bind("cacheLookup", new CacheLookup(cache));
        registry.bind("cacheStore", new CacheStore(cache));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                cache.close();
            }
        }, true, true);
    }

    private static String setting(PropertiesComponent properties, String name, String fallback) {
        return properties.resolveProperty(name).map(String::trim).filter(value -> !value.isEmpty()).orElse(fallback);
    }
}
