package caravan.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import caravan.api.Usage;

/**
 * One stored answer: the canonical {@code chat.completion} JSON as the client of either dialect can be
 * answered from it, the usage it reported, the provider and model that produced it, and when it was stored
 * (wall-clock milliseconds, so that instances sharing Redis agree on its age). Immutable; its bytes are its
 * form in Redis and its weight in the embedded cache.
 */
public final class CachedAnswer {

    private static final int FORMAT = 1;
    /** What an entry costs beyond its answer's bytes in the embedded cache: the key, the object headers, the map node. */
    private static final int OVERHEAD_BYTES = 256;

    private final byte[] completion;
    private final Usage usage;
    private final String provider;
    private final String model;
    private final long storedAtMillis;
    private final long ttlMillis;

    public CachedAnswer(byte[] completion, Usage usage, String provider, String model, long storedAtMillis, long ttlMillis) {
        this.completion = completion;
        this.usage = usage == null ? Usage.NONE : usage;
        this.provider = provider == null ? "" : provider;
        this.model = model == null ? "" : model;
        this.storedAtMillis = storedAtMillis;
        this.ttlMillis = ttlMillis;
    }

    /** The canonical {@code chat.completion} JSON: an OpenAI client gets these bytes as they are. */
    public byte[] completion() {
        return completion;
    }

    public Usage usage() {
        return usage;
    }

    public String provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    public long storedAtMillis() {
        return storedAtMillis;
    }

    public long ttlMillis() {
        return ttlMillis;
    }

    /** Whole seconds since it was stored, never negative (another instance's clock may run ahead). */
    public long ageSeconds(long nowMillis) {
        return Math.max(0, (nowMillis - storedAtMillis) / 1000);
    }

    /** What it holds in the embedded cache, in bytes: its answer, its names, and the key and the cache's node around it. */
    int weight() {
        return completion.length + provider.length() + model.length() + OVERHEAD_BYTES;
    }

    /** Its form in Redis. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(completion.length + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(storedAtMillis);
            out.writeLong(ttlMillis);
            out.writeUTF(provider);
            out.writeUTF(model);
            out.writeLong(usage.inputTokens());
            out.writeLong(usage.outputTokens());
            out.writeLong(usage.cacheReadTokens());
            out.writeLong(usage.cacheWriteTokens());
            out.writeLong(usage.reasoningTokens());
            out.writeInt(completion.length);
            out.write(completion);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** An entry read back from Redis; null when the bytes are not one (another version wrote them, say). */
    public static CachedAnswer fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readByte() != FORMAT) {
                return null;
            }
            long storedAt = in.readLong();
            long ttl = in.readLong();
            String provider = in.readUTF();
            String model = in.readUTF();
            Usage usage = new Usage(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
            byte[] completion = new byte[in.readInt()];
            in.readFully(completion);
            return new CachedAnswer(completion, usage, provider, model, storedAt, ttl);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }
}
