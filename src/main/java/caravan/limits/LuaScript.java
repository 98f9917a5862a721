package caravan.limits;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script of the limit store, read from the classpath ({@code limits/*.lua}) and run by its SHA-1:
 * Redis keeps the scripts it has run, so once it has seen a script each call sends only the 40-character
 * digest. The digest is computed here (it is what {@code SCRIPT LOAD} answers): nothing needs to ask Redis
 * for it.
 */
record LuaScript(String name, String source, String sha1) {

    /** The script made of these resources, in order (a shared prelude first). */
    static LuaScript load(String name, String... resources) {
        StringBuilder source = new StringBuilder();
        for (String resource : resources) {
            source.append(read(resource)).append('\n');
        }
        return new LuaScript(name, source.toString(), sha1(source.toString()));
    }

    Request evalsha(List<String> keys, List<String> args) {
        return call(Request.cmd(Command.EVALSHA).arg(sha1), keys, args);
    }

    private static Request call(Request request, List<String> keys, List<String> args) {
        request.arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    private static String read(String resource) {
        try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
