package org.ckptinspector.container;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.ckptinspector.io.ByteRegion;
import org.ckptinspector.io.RegionInputStream;
import org.ckptinspector.model.CheckpointException;

/**
 * JSON in a checkpoint as its own tools read it. All of them take UTF-8 text without a byte order mark:
 * safetensors parses its header with {@code serde_json::from_str} after {@code str::from_utf8}; torch and
 * transformers decode config, index and {@code .pt2} records as UTF-8 and hand the text to {@code json.loads}.
 * Jackson, given bytes, would also decode UTF-16 and UTF-32 and skip a byte order mark, so such text is refused
 * before Jackson sees it.
 */
public final class JsonText {
    private JsonText() {}

    /** Made on first use: reading a safetensors header, the commonest start-up, never needs it. */
    private static final class Python {
        /** Python's json also reads these three words, which its {@code json.dumps} writes for such floats. */
        static final Set<String> WORDS = Set.of("NaN", "Infinity", "-Infinity");
        static final JsonFactory JSON = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    }

    /** A parser over {@code json} from {@code factory}; messages call the text {@code what} ("record x.json"). */
    public static JsonParser parser(JsonFactory factory, Path file, String what, ByteRegion json) throws IOException {
        String problem = encodingProblem(json.slice(0, (int) Math.min(4, json.length())));
        if (problem != null) {
            throw CheckpointException.corrupt(file, what + " is not valid JSON: " + problem);
        }
        return factory.createParser(new RegionInputStream(json));
    }

    /**
     * A parser over {@code json} once it is known to be what Python's {@code json.loads} accepts: one value and
     * nothing after it but whitespace, with {@code NaN}, {@code Infinity} and {@code -Infinity} among the numbers
     * (as in a diverged run's {@code trainer_state.json}).
     */
    public static JsonParser python(Path file, String what, ByteRegion json) throws IOException {
        try (JsonParser p = parser(Python.JSON, file, what, json)) {
            String problem = pythonProblem(p);
            if (problem != null) {
                throw CheckpointException.corrupt(file, what + " is not valid JSON: " + problem);
            }
        } catch (JsonProcessingException e) {
            throw CheckpointException.corrupt(file, what + " is not valid JSON: " + jacksonProblem(e));
        }
        return Python.JSON.createParser(new RegionInputStream(json));
    }

    /** {@link #python(Path, String, ByteRegion)} over the whole of {@code file}, whose size the caller bounds. */
    public static JsonParser python(Path file, String what) throws IOException {
        return python(file, what, ByteRegion.of(Files.readAllBytes(file)));
    }

    /** Why the tokens of {@code p} are not one value {@code json.loads} reads, or null. */
    private static String pythonProblem(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            return "it is empty";
        }
        int depth = 0;
        do {
            if (t == JsonToken.VALUE_NUMBER_FLOAT && p.isNaN() && !Python.WORDS.contains(p.getText())) {
                return "the number " + p.getText() + " (Python's json reads only NaN, Infinity and -Infinity)";
            }
            depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
        } while (depth > 0 && (t = p.nextToken()) != null);
        return p.nextToken() == null ? null : "there is more after its value";
    }

    /** Jackson's reason with its line and column, without the "[Source: REDACTED …]" it puts in nested places. */
    private static String jacksonProblem(JsonProcessingException e) {
        String reason = e.getOriginalMessage().replaceAll("\\[Source: [^;\\]]*; ", "[");
        JsonLocation at = e.getLocation();
        return at == null ? reason : reason + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /**
     * Why {@code head}, the first bytes, are not the start of UTF-8 JSON text, or null. These are the cases
     * where Jackson would not read UTF-8: a byte order mark, or a zero byte among the first four (UTF-16 or
     * UTF-32). Later bytes are Jackson's UTF-8 parser's to refuse.
     */
    private static String encodingProblem(ByteBuffer head) {
        int n = head.remaining();
        int b0 = n > 0 ? head.get(0) & 0xff : -1;
        int b1 = n > 1 ? head.get(1) & 0xff : -1;
        if (b0 == 0xef && b1 == 0xbb && n > 2 && (head.get(2) & 0xff) == 0xbf) {
            return "it starts with a UTF-8 byte order mark";
        }
        if (b0 == 0xfe && b1 == 0xff || b0 == 0xff && b1 == 0xfe) {
            return "it starts with a UTF-16 byte order mark; JSON here must be UTF-8";
        }
        for (int i = 0; i < n; i++) {
            if (head.get(i) == 0) {
                return "a zero byte at offset " + i + " (UTF-16 or UTF-32 text?); JSON here must be UTF-8";
            }
        }
        return null;
    }
}
