package caravan.providers.codec;

import java.util.Locale;

/**
 * A {@code data:} URL (RFC 2397) carrying base64 data: how OpenAI content parts inline an image, audio or a
 * file, and what providers that take inline bytes want split into a media type and the data.
 *
 * @param mediaType the media type in lower case, without parameters ({@code image/png}); empty when the URL names none
 * @param base64    the data, still base64 encoded
 */
public record DataUrl(String mediaType, String base64) {

    private static final String SCHEME = "data:";
    private static final String BASE64 = ";base64";

    /** Whether {@code url} is a data URL at all (the scheme is case-insensitive). */
    public static boolean isDataUrl(String url) {
        return url.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** The parts of a base64 data URL; null when {@code url} is no data URL, has no data or is not base64 encoded. */
    public static DataUrl parseBase64(String url) {
        int comma = url.indexOf(',');
        if (!isDataUrl(url) || comma < 0) {
            return null;
        }
        String header = url.substring(SCHEME.length(), comma).toLowerCase(Locale.ROOT);
        if (!header.endsWith(BASE64)) {
            return null;
        }
        int parameters = header.indexOf(';');
        return new DataUrl(header.substring(0, parameters), url.substring(comma + 1));
    }
}
