package caravan.providers.azure;

import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.GatewayException;
import caravan.api.Usage;
import caravan.providers.StreamDecoder;

/** The OpenAI stream decoder, with a content-filter error event turned into the same 400 as a refused request. */
final class AzureStreamDecoder implements StreamDecoder {

    private final StreamDecoder openAi;

    AzureStreamDecoder(StreamDecoder openAi) {
        this.openAi = openAi;
    }

    @Override
    public void decode(byte[] bytes, Consumer<ChatChunk> out) {
        try {
            openAi.decode(bytes, out);
        } catch (GatewayException e) {
            throw AzureErrors.fromStreamError(e);
        }
    }

    @Override
    public void finish(Consumer<ChatChunk> out) {
        try {
            openAi.finish(out);
        } catch (GatewayException e) {
            throw AzureErrors.fromStreamError(e);
        }
    }

    @Override
    public boolean endOfStream() {
        return openAi.endOfStream();
    }

    @Override
    public Usage usage() {
        return openAi.usage();
    }
}
