package dev.polarity.engine.optim;

/** Linear warm-up from 0 to the peak rate, then linear decay to 0 at the last step. */
public record LinearSchedule(float peak, int warmupSteps, int totalSteps) {
    public LinearSchedule {
        if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("LinearSchedule: need 0 <= warmup (" + warmupSteps + ") <= total (" + totalSteps + "), total > 0");
        }
    }

    /** Learning rate for the step about to be taken (0-based). */
    public float at(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        int left = totalSteps - warmupSteps;
        return left == 0 ? peak : peak * Math.max(0f, (float) (totalSteps - step) / left);
    }
}
