package dev.polarity.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.polarity.engine.nn.BatchNorm1d;
import dev.polarity.engine.nn.Linear;
import dev.polarity.engine.nn.Sequential;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Every refusal names the operation and the shapes involved, so a caller can tell what went wrong. */
class BadInputTest {
    private final Tensor a23 = Tensor.zeros(2, 3);

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(ThrowingCallable call, String op, String... parts) {
        var thrown = assertThatThrownBy(call).isInstanceOf(RuntimeException.class).hasMessageContaining(op);
        for (String p : parts) {
            thrown.hasMessageContaining(p);
        }
        return thrown;
    }

    @Test
    void elementwiseShapeMismatch() {
        refused(() -> a23.add(Tensor.zeros(4)), "add", "[2, 3]", "[4]");
        refused(() -> a23.sub(Tensor.zeros(3, 2)), "sub", "[2, 3]", "[3, 2]");
        refused(() -> a23.mul(Tensor.zeros(2)), "mul", "[2, 3]", "[2]");
        refused(() -> a23.div(Tensor.zeros(5, 1, 2)), "div", "[2, 3]", "[5, 1, 2]");
        refused(() -> a23.maskedFill(Tensor.zeros(3, 3), 0f), "maskedFill", "[3, 3]", "[2, 3]");
        refused(() -> a23.maskedFill(Tensor.zeros(4, 2, 3), 0f), "maskedFill", "[4, 2, 3]", "[2, 3]");
        refused(() -> a23.detach().add_(Tensor.zeros(4, 3)), "add_", "[4, 3]", "[2, 3]");
        refused(() -> a23.detach().copy_(Tensor.zeros(2)), "copy_", "[2]", "[2, 3]");
    }

    @Test
    void matmulShapeMismatch() {
        refused(() -> a23.matmul(Tensor.zeros(4, 5)), "matmul", "[2, 3]", "[4, 5]");
        refused(() -> a23.matmul(Tensor.zeros(3)), "matmul", "[2, 3]", "[3]");
        refused(() -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 4)), "matmul", "[2, 2, 3]", "[3, 3, 4]");
        refused(() -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(4, 5)), "matmul", "[2, 2, 3]", "[4, 5]");
    }

    @Test
    void concatMismatch() {
        refused(() -> Tensor.concat(0, a23, Tensor.zeros(2, 4)), "concat", "[2, 3]", "[2, 4]");
        refused(() -> Tensor.concat(1, a23, Tensor.zeros(6)), "concat", "[2, 3]", "[6]");
        refused(() -> Tensor.concat(0), "concat");
        refused(() -> Tensor.concat(2, a23, a23), "concat", "2", "[2, 3]");
    }

    @Test
    void viewAndReshapeMismatch() {
        refused(() -> a23.view(4, 2), "view", "[4, 2]", "[2, 3]");
        refused(() -> a23.reshape(5, -1), "reshape", "[2, 3]");
        refused(() -> a23.reshape(-1, -1), "reshape", "-1");
        refused(() -> a23.t().view(6), "view", "[3, 2]", "contiguous");
        refused(() -> a23.expand(4, 3), "expand", "[2, 3]", "[4, 3]");
        refused(() -> a23.expand(3), "expand", "[2, 3]", "[3]");
        refused(() -> Tensor.fromArray(new float[5], 2, 3), "fromArray", "5", "[2, 3]");
        refused(() -> Tensor.zeros(2, -1), "negative dimension", "-1");
    }

    @Test
    void dimensionsOutOfRange() {
        refused(() -> a23.sum(2, false), "sum", "2", "[2, 3]");
        refused(() -> a23.max(-3, false), "max", "-3", "[2, 3]");
        refused(() -> a23.argmax(5, false), "argmax", "5", "[2, 3]");
        refused(() -> a23.softmax(2), "softmax", "2", "[2, 3]");
        refused(() -> a23.logSoftmax(-3), "logSoftmax", "-3", "[2, 3]");
        refused(() -> a23.transpose(0, 2), "transpose", "2", "[2, 3]");
        refused(() -> a23.permute(0, 2), "permute", "[2, 3]");
        refused(() -> a23.permute(0, 0), "permute", "repeated");
        refused(() -> a23.permute(0), "permute", "[2, 3]");
        refused(() -> a23.unsqueeze(3), "unsqueeze", "3", "[2, 3]");
        refused(() -> a23.squeeze(0), "squeeze", "[2, 3]", "not 1");
        refused(() -> a23.squeeze(2), "squeeze", "2", "[2, 3]");
        refused(() -> a23.narrow(1, 2, 2), "narrow", "[2, 4)", "[2, 3]");
        refused(() -> a23.narrow(2, 0, 1), "narrow", "[2, 3]");
        refused(() -> a23.select(0, 2), "narrow", "[2, 3]");
        refused(() -> a23.get(0, 3), "index 3", "[2, 3]");
        refused(() -> a23.get(0), "get", "[2, 3]");
        refused(() -> a23.item(), "item", "[2, 3]");
    }

    @Test
    void nnOpsRefuseMismatchedInputs() {
        refused(() -> a23.layerNorm(Tensor.ones(2), null, 1e-5f), "layerNorm", "weight", "[2]", "[2, 3]");
        refused(() -> a23.layerNorm(null, Tensor.zeros(3, 1), 1e-5f), "layerNorm", "bias", "[3, 1]");
        refused(() -> Functional.embedding(a23, new int[] {0, 2}, 2), "embedding", "id 2", "[0, 2)");
        refused(() -> Functional.embedding(Tensor.zeros(4), new int[] {0}, 1), "embedding", "[4]");
        refused(() -> Functional.embedding(a23, new int[] {0, 1, 1}, 2), "embedding", "[2]");
        refused(() -> Functional.nllLoss(a23, new int[] {0}), "nllLoss", "[2, 3]");
        refused(() -> Functional.crossEntropy(a23, new int[] {0, 3}), "nllLoss", "3", "[0, 3)");
        refused(() -> Functional.dropout(a23, 1f, true, new Random(1)), "dropout", "1.0");
        refused(() -> new Linear(4, 3, new Random(1)).forward(a23), "Linear(4 -> 3)", "[2, 3]");
        refused(() -> new BatchNorm1d(4).forward(a23), "BatchNorm1d(4)", "[2, 3]");
        refused(() -> new BatchNorm1d(3).forward(Tensor.zeros(1, 3)), "BatchNorm1d", "[1, 3]");
    }

    @Test
    void backwardWithoutAUsableGradient() {
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        Tensor y = x.mul(2f);
        refused(y::backward, "backward", "scalar", "[2, 3]");
        refused(() -> y.backward(Tensor.ones(3)), "backward", "[3]", "[2, 3]");
        refused(() -> Tensor.ones(2).sum().backward(), "backward", "[]", "does not require grad");
        refused(() -> y.requiresGrad(false), "requiresGrad(false)", "detach");
        assertThat(x.grad()).isNull();
        y.backward(Tensor.ones(2, 3));
        assertThat(x.grad().toArray()).containsOnly(2f);
    }

    @Test
    void loadingAStateDictWithWrongNamesOrShapesNamesEveryBadEntryAndWritesNothing() {
        Sequential model = new Sequential(new Linear(3, 2, new Random(1)), new Linear(2, 1, new Random(2)));
        Map<String, Tensor> good = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> good.put(k, v.copy().add(1f)));
        float[] before = model.stateDict().get("0.weight").toArray();

        Map<String, Tensor> bad = new LinkedHashMap<>(good);
        bad.remove("1.bias");
        bad.put("2.weight", Tensor.zeros(1));
        bad.put("0.weight", Tensor.zeros(3, 2));
        refused(() -> model.loadStateDict(bad), "loadStateDict", "missing [1.bias]", "unexpected [2.weight]",
                "0.weight (expected [2, 3], got [3, 2])");
        assertThat(model.stateDict().get("0.weight").toArray()).as("a refused load writes nothing").containsExactly(before);

        model.loadStateDict(good);
        assertThat(model.stateDict().get("0.weight").toArray()).containsExactly(good.get("0.weight").toArray());
    }
}
