package dev.polarity.serving.v2;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** JSON bodies of the Open Inference Protocol, named and shaped as the protocol's REST API has them. */
final class V2Messages {
    private V2Messages() {}

    @Schema(name = "V2ServerMetadata")
    record ServerMetadata(String name, String version, List<String> extensions) {}

    @Schema(name = "V2Live")
    record Live(boolean live) {}

    @Schema(name = "V2Ready")
    record Ready(boolean ready) {}

    @Schema(name = "V2ModelReady")
    record ModelReady(String name, boolean ready) {}

    /** A tensor as metadata describes it: -1 is a dimension of any size. */
    @Schema(name = "V2TensorMetadata")
    record TensorMetadata(String name, String datatype, List<Integer> shape) {}

    @Schema(name = "V2ModelMetadata")
    record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
                         List<TensorMetadata> outputs) {}

    /** An output tensor: {@code data} is flattened in row-major order, numbers for FP32, strings for BYTES. */
    @Schema(name = "V2OutputTensor")
    record OutputTensor(String name, List<Integer> shape, String datatype,
                        @Schema(type = "array", example = "[0.02, 0.98]") Object data) {}

    @Schema(name = "V2InferenceResponse")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferenceResponse(@JsonProperty("model_name") String modelName,
                             @JsonProperty("model_version") String modelVersion,
                             @Schema(description = "The request's id, when it had one") String id,
                             List<OutputTensor> outputs) {}

    /** The protocol's error object: a message and nothing else; the status code says the rest. */
    @Schema(name = "V2Error")
    record Error(String error) {}

    @Schema(name = "V2InferenceRequest", description = "One BYTES tensor named \"text\" holding the texts")
    record InferenceRequest(@Schema(description = "Echoed in the answer") String id,
                            @Schema(example = "[{\"name\": \"text\", \"shape\": [2], \"datatype\": \"BYTES\", "
                                    + "\"data\": [\"I loved it.\", \"A dull mess.\"]}]") List<Object> inputs,
                            @Schema(description = "Outputs to return (probabilities, label); all when absent",
                                    example = "[{\"name\": \"label\"}]") List<Object> outputs) {}
}
