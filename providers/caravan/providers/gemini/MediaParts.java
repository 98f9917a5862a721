package caravan.providers.gemini;

import java.util.Locale;
import java.util.Map;

import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.providers.codec.DataUrl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * OpenAI's media content parts as Gemini parts: bytes inline ({@code data:} URLs, audio, files) become
 * {@code inlineData}, a URL Gemini fetches itself becomes {@code fileData}. Gemini wants a MIME type with
 * both; for a URL it is read from the file name's extension when that is a known one.
 */
final class MediaParts {

    /** The types Gemini reads, by the extensions they are served with. */
    private static final Map<String, String> MIME_TYPES = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("heic", "image/heic"),
            Map.entry("heif", "image/heif"), Map.entry("pdf", "application/pdf"), Map.entry("wav", "audio/wav"),
            Map.entry("mp3", "audio/mp3"), Map.entry("aac", "audio/aac"), Map.entry("ogg", "audio/ogg"),
            Map.entry("flac", "audio/flac"), Map.entry("aiff", "audio/aiff"), Map.entry("mp4", "video/mp4"),
            Map.entry("mov", "video/mov"), Map.entry("webm", "video/webm"), Map.entry("txt", "text/plain"));

    private MediaParts() {
    }

    /** {@code image_url}: an object with {@code url}, or (as some clients send it) the URL itself. */
    static ObjectNode image(JsonNode imageUrl, String at) {
        JsonNode url = imageUrl == null ? null : imageUrl.isTextual() ? imageUrl : imageUrl.get("url");
        if (url == null || !url.isTextual()) {
            throw GatewayException.badRequest("An image_url part needs a url.", at + ".url", "missing_required_parameter");
        }
        return fromUrl(url.asText(), at + ".url");
    }

    static ObjectNode audio(JsonNode inputAudio, String at) {
        if (inputAudio == null || !inputAudio.path("data").isTextual() || !inputAudio.path("format").isTextual()) {
            throw GatewayException.badRequest("An input_audio part needs data and format.", at, "missing_required_parameter");
        }
        return inline("audio/" + inputAudio.get("format").asText().toLowerCase(Locale.ROOT), inputAudio.get("data").asText());
    }

    /** A {@code file} part with its bytes: {@code file_data} as a data URL, or bare base64 beside a {@code filename}. */
    static ObjectNode file(JsonNode file, String at) {
        JsonNode data = file == null ? null : file.get("file_data");
        if (data == null || !data.isTextual()) {
            throw GatewayException.badRequest("Gemini needs a file's bytes in file_data; it cannot read OpenAI file ids.",
                    at + ".file_data", "invalid_value");
        }
        if (DataUrl.isDataUrl(data.asText())) {
            return dataUrl(data.asText(), at + ".file_data");
        }
        String mimeType = mimeTypeOf(file.path("filename").asText());
        if (mimeType == null) {
            throw GatewayException.badRequest("Gemini needs the file's type: send file_data as a data: URL, or a filename "
                    + "with a known extension.", at + ".filename", "invalid_value");
        }
        return inline(mimeType, data.asText());
    }

    private static ObjectNode fromUrl(String url, String at) {
        if (DataUrl.isDataUrl(url)) {
            return dataUrl(url, at);
        }
        String scheme = url.contains(":") ? url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT) : "";
        if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("gs")) {
            throw GatewayException.badRequest("Gemini can read images from data:, https:, http: and gs: URLs.", at,
                    "invalid_value");
        }
        ObjectNode part = Json.MAPPER.createObjectNode();
        ObjectNode fileData = part.putObject("fileData");
        String mimeType = mimeTypeOf(url);
        // without a known extension Google decides from what it fetches (YouTube links need no type at all)
        if (mimeType != null) {
            fileData.put("mimeType", mimeType);
        }
        fileData.put("fileUri", url);
        return part;
    }

    /** {@code data:<mime>;base64,<bytes>}: Gemini takes base64 only. */
    private static ObjectNode dataUrl(String url, String at) {
        DataUrl data = DataUrl.parseBase64(url);
        if (data == null || data.mediaType().isEmpty()) {
            throw GatewayException.badRequest("Gemini needs inline media as a base64 data URL "
                    + "(data:<type>;base64,<data>).", at, "invalid_value");
        }
        return inline(data.mediaType(), data.base64());
    }

    private static ObjectNode inline(String mimeType, String base64) {
        ObjectNode part = Json.MAPPER.createObjectNode();
        ObjectNode inlineData = part.putObject("inlineData");
        inlineData.put("mimeType", mimeType);
        inlineData.put("data", base64);
        return part;
    }

    /** The type a file name or URL path says by its extension; null when it says none Gemini reads. */
    static String mimeTypeOf(String nameOrUrl) {
        String path = nameOrUrl;
        int end = path.length();
        for (char stop : new char[] {'?', '#'}) {
            int at = path.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        path = path.substring(0, end);
        int dot = path.lastIndexOf('.');
        if (dot < 0 || dot < path.lastIndexOf('/')) {
            return null;
        }
        return MIME_TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
