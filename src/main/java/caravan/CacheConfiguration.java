package caravan;

import java.time.Duration;

import caravan.cache.AnswerStore;
import caravan.cache.CacheMode;
import caravan.cache.CacheSettings;
import caravan.cache.LocalAnswerStore;
import caravan.cache.RedisAnswerStore;
import caravan.cache.ResponseCache;
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
 * embedded store serving while Redis cannot be reached. Runs after {@link GatewayConfiguration} (Vert.x) and
 * {@link TelemetryConfiguration} (the call recorder).
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
        if (!redisUrl.isEmpty()) {
            RedisSettings redis = RedisSettings.of(redisUrl).withTimeout(Duration.ofMillis(
                    Long.parseLong(setting(properties, "gateway.redis-timeout-ms", "250"))));
            exact = new RedisAnswerStore(RedisCalls.forCommands(vertx, redis), KEY_PREFIX + "e:", redis.address(), local,
                    recorder == null ? operation -> { } : recorder::onCacheFallback);
        }
        ResponseCache cache = new ResponseCache(defaults, exact);
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
