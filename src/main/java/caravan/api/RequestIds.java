package caravan.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.spi.UuidGenerator;

/**
 * The ids of this gateway's exchanges, and so of its requests ({@code x-caravan-request-id}): a prefix
 * random per process, then a counter. Owning the format lets state about recent requests be kept by
 * counter in preallocated slots instead of one map entry per request.
 */
public final class RequestIds implements UuidGenerator {

    private final String prefix;
    private final AtomicLong next = new AtomicLong();

    public RequestIds() {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        this.prefix = HexFormat.of().formatHex(random) + "-";
    }

    @Override
    public String generateUuid() {
        return prefix + Long.toHexString(next.getAndIncrement());
    }

    /** The counter of an id this gateway process handed out, or -1 for any other string. */
    public long sequenceOf(String id) {
        if (id == null || id.length() <= prefix.length() || id.length() > prefix.length() + 16 || !id.startsWith(prefix)) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(id, prefix.length(), id.length(), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
