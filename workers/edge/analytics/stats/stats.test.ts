import { describe, expect, it } from "vitest";
import { createRng } from "../../../../seeds/random.ts";
import {
  betaPosterior,
  chanceToBeBest,
  credibleInterval,
  expectedLoss,
  normalChanceAndLoss,
  probBeats,
  probBeatsExact,
} from "./bayesian.ts";
import { compareMeans, moments } from "./frequentist.ts";
import {
  confidenceSequenceHalfWidth,
  mixtureLikelihoodRatio,
  sequentialTest,
  type SequentialLook,
} from "./sequential.ts";
import {
  chiSquareSurvival,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
} from "./special-functions.ts";
import { sampleRatioMismatch } from "./srm.ts";

describe("special functions (textbook values)", () => {
  it("log-gamma matches factorials and Γ(1/2) = √π", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 8);
  });

  it("normal CDF and quantile match the z table", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 14);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 12);
    expect(normalCdf(-6)).toBeCloseTo(9.865876450376983e-10, 18);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 10);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 9);
  });

  it("chi-square tail matches the critical-value table", () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(10.827566170662733, 1)).toBeCloseTo(0.001, 10);
    expect(chiSquareSurvival(16.918977604620448, 9)).toBeCloseTo(0.05, 9);
    // df = 2 has the closed form e^{-x/2}.
    expect(chiSquareSurvival(7, 2)).toBeCloseTo(Math.exp(-3.5), 13);
  });

  it("incomplete beta: closed forms for small integer parameters", () => {
    // Beta(2, 1) has CDF x²; Beta(1, 3) has CDF 1 − (1 − x)³; Beta(2, 2) has 3x² − 2x³.
    expect(regularizedBeta(0.3, 2, 1)).toBeCloseTo(0.09, 14);
    expect(regularizedBeta(0.2, 1, 3)).toBeCloseTo(1 - 0.8 ** 3, 14);
    expect(regularizedBeta(0.7, 2, 2)).toBeCloseTo(3 * 0.49 - 2 * 0.343, 14);
    // Symmetry I_x(a, b) = 1 − I_{1−x}(b, a) with large parameters.
    expect(regularizedBeta(0.031, 300, 9700)).toBeCloseTo(
      1 - regularizedBeta(0.969, 9700, 300),
      12,
    );
  });
});

describe("Bayesian Beta-Binomial", () => {
  it("builds the posterior from a uniform prior", () => {
    expect(betaPosterior(30, 1000)).toEqual({ alpha: 31, beta: 971 });
    expect(() => betaPosterior(5, 4)).toThrow(/conversions/);
  });

  it("P(B > A) for known posteriors, exactly and by integration", () => {
    const uniform = { alpha: 1, beta: 1 };
    const linear = { alpha: 2, beta: 1 }; // density 2x
    // ∫ 2x · x dx = 2/3 ; by symmetry identical posteriors give 1/2.
    expect(probBeatsExact(linear, uniform)).toBeCloseTo(2 / 3, 12);
    expect(probBeats(linear, uniform)).toBeCloseTo(2 / 3, 8);
    expect(probBeatsExact(uniform, uniform)).toBeCloseTo(0.5, 12);
    // Beta(3, 1) vs Beta(1, 3): ∫ 3x² (1 − (1 − x)³) dx = 1 − 3·B(3, 4) = 1 − 1/20 = 0.95.
    expect(probBeatsExact({ alpha: 3, beta: 1 }, { alpha: 1, beta: 3 })).toBeCloseTo(0.95, 12);
    expect(probBeats({ alpha: 3, beta: 1 }, { alpha: 1, beta: 3 })).toBeCloseTo(0.95, 8);
  });

  it("exact formula and integration agree on realistic experiment sizes", () => {
    const control = betaPosterior(120, 4000);
    const treatment = betaPosterior(150, 4000);
    const exact = probBeatsExact(treatment, control);
    expect(probBeats(treatment, control)).toBeCloseTo(exact, 6);
    // Complementary events (continuous posteriors never tie).
    expect(exact + probBeatsExact(control, treatment)).toBeCloseTo(1, 10);
    // Normal approximation on the same data lands close to the exact answer.
    const [c, t] = [
      moments({ n: 4000, sum: 120, sumSq: 120 }),
      moments({ n: 4000, sum: 150, sumSq: 150 }),
    ];
    const approx = normalChanceAndLoss(
      t.mean - c.mean,
      Math.sqrt(c.variance / 4000 + t.variance / 4000),
    );
    expect(Math.abs(approx.chance - exact)).toBeLessThan(0.01);
    expect(exact).toBeGreaterThan(0.9);
    expect(exact).toBeLessThan(0.99);
  });

  it("chance to be best over three arms sums to 1 and ranks the arms", () => {
    const arms = [betaPosterior(100, 2000), betaPosterior(115, 2000), betaPosterior(90, 2000)];
    const chances = chanceToBeBest(arms);
    expect(chances.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(chances[1]).toBeGreaterThan(chances[0]!);
    expect(chances[0]).toBeGreaterThan(chances[2]!);
  });

  it("expected loss: 1/6 for two uniform posteriors, and Stucchio's closed form", () => {
    const uniform = { alpha: 1, beta: 1 };
    expect(expectedLoss(uniform, uniform)).toBeCloseTo(1 / 6, 8);
    // E[max(A − B, 0)] = m_A · P(A' > B) − m_B · P(A > B'), A' ~ Beta(αA+1, βA), B' ~ Beta(αB+1, βB).
    const a = betaPosterior(40, 1000);
    const b = betaPosterior(55, 1000);
    const mA = a.alpha / (a.alpha + a.beta);
    const mB = b.alpha / (b.alpha + b.beta);
    const closed =
      mA * probBeatsExact({ alpha: a.alpha + 1, beta: a.beta }, b) -
      mB * probBeatsExact(a, { alpha: b.alpha + 1, beta: b.beta });
    expect(expectedLoss(b, a)).toBeCloseTo(closed, 8);
    // Choosing the better-looking arm risks less than choosing the worse one.
    expect(expectedLoss(b, a)).toBeLessThan(expectedLoss(a, b));
  });

  it("credible interval of Beta(2, 1) has the closed-form quantiles √q", () => {
    const [lo, hi] = credibleInterval({ alpha: 2, beta: 1 }, 0.9);
    expect(lo).toBeCloseTo(Math.sqrt(0.05), 8);
    expect(hi).toBeCloseTo(Math.sqrt(0.95), 8);
  });

  it("normal expected loss matches its closed form at delta = 0", () => {
    // E[max(−D, 0)] for D ~ N(0, s²) is s/√(2π).
    expect(normalChanceAndLoss(0, 2).loss).toBeCloseTo(2 / Math.sqrt(2 * Math.PI), 12);
    expect(normalChanceAndLoss(0, 2).chance).toBeCloseTo(0.5, 12);
  });
});

describe("fixed-horizon comparison", () => {
  it("difference, relative uplift (delta method) and p-value by hand", () => {
    // 100/1000 vs 120/1000: p̂ = 0.1, 0.12; Var(mean) = p(1−p)/n with the n−1 sample variance.
    const c = moments({ n: 1000, sum: 100, sumSq: 100 });
    const t = moments({ n: 1000, sum: 120, sumSq: 120 });
    expect(c.variance).toBeCloseTo((100 - 100 ** 2 / 1000) / 999, 14);
    const r = compareMeans(c, t);
    const vc = c.variance / 1000;
    const vt = t.variance / 1000;
    const se = Math.sqrt(vc + vt);
    expect(r.delta).toBeCloseTo(0.02, 14);
    expect(r.deltaSe).toBeCloseTo(se, 14);
    expect(r.deltaInterval[0]).toBeCloseTo(0.02 - 1.959963984540054 * se, 10);
    expect(r.relative).toBeCloseTo(0.2, 12);
    const relSe = Math.sqrt(vt / 0.01 + (0.0144 * vc) / 0.0001);
    expect(r.relativeInterval[1]).toBeCloseTo(0.2 + 1.959963984540054 * relSe, 10);
    expect(r.pValue).toBeCloseTo(2 * normalCdf(-0.02 / se), 12);
    expect(r.pValue).toBeGreaterThan(0.15);
    expect(r.pValue).toBeLessThan(0.17);
  });
});

describe("sequential test (mSPRT)", () => {
  it("likelihood ratio and confidence sequence by hand", () => {
    // V = 1, τ = 1: Λ = sqrt(1/2) · exp(θ²/4).
    expect(mixtureLikelihoodRatio(2, 1, 1)).toBeCloseTo(Math.SQRT1_2 * Math.exp(1), 12);
    // Half-width sqrt(2 · (2 ln 20 + ln 2)); at that θ̂, Λ is exactly 1/α.
    const half = confidenceSequenceHalfWidth(1, 1, 0.05);
    expect(half).toBeCloseTo(Math.sqrt(2 * (2 * Math.log(20) + Math.log(2))), 12);
    expect(mixtureLikelihoodRatio(half, 1, 1)).toBeCloseTo(20, 9);
  });

  it("p-values never increase and the interval is wider than the fixed-horizon one", () => {
    const looks: SequentialLook[] = [1, 2, 3, 4].map((k) => ({
      at: k,
      control: { n: 1000 * k, sum: 100 * k, sumSq: 100 * k },
      treatment: {
        n: 1000 * k,
        sum: 100 * k + 12 * k * (k % 2),
        sumSq: 100 * k + 12 * k * (k % 2),
      },
    }));
    const results = sequentialTest(looks, { tau: 0.01 });
    for (let i = 1; i < results.length; i++) {
      expect(results[i]!.pValue).toBeLessThanOrEqual(results[i - 1]!.pValue);
    }
    const last = looks[3]!;
    const fixed = compareMeans(moments(last.control), moments(last.treatment));
    const width = (i: [number, number]) => i[1] - i[0];
    expect(width(results[3]!.interval)).toBeGreaterThan(width(fixed.deltaInterval));
  });

  /** Share of `runs` simulated experiments flagged at 5%, peeking 40 times at 100 visitors/arm. */
  function peekingRates(effect: number, runs = 300) {
    const rng = createRng(20261123);
    let naive = 0;
    let always = 0;
    for (let r = 0; r < runs; r++) {
      const c = { n: 0, sum: 0, sumSq: 0 };
      const t = { n: 0, sum: 0, sumSq: 0 };
      const looks: SequentialLook[] = [];
      let naiveHit = false;
      for (let look = 0; look < 40; look++) {
        for (let i = 0; i < 100; i++) {
          const x = rng.chance(0.1) ? 1 : 0;
          const y = rng.chance(0.1 + effect) ? 1 : 0;
          c.n++;
          c.sum += x;
          c.sumSq += x;
          t.n++;
          t.sum += y;
          t.sumSq += y;
        }
        looks.push({ at: look, control: { ...c }, treatment: { ...t } });
        if (compareMeans(moments(c), moments(t)).pValue < 0.05) naiveHit = true;
      }
      if (naiveHit) naive++;
      if (sequentialTest(looks, { tau: 0.01 }).at(-1)!.pValue < 0.05) always++;
    }
    return { naive: naive / runs, always: always / runs };
  }

  it("keeps the false-positive rate under alpha when peeking, unlike a naive z-test", () => {
    // A/A: both arms convert at 10%.
    const aa = peekingRates(0);
    expect(aa.always).toBeLessThanOrEqual(0.05);
    // Peeking with a fixed-horizon test finds "effects" far more often than 5%.
    expect(aa.naive).toBeGreaterThan(0.15);
  });

  it("still finds a real effect (10% -> 12%) in a good share of experiments", () => {
    expect(peekingRates(0.02).always).toBeGreaterThan(0.3);
  });
});

describe("sample-ratio mismatch", () => {
  it("computes the chi-square statistic and p-value by hand", () => {
    // 5100 vs 4900 at 50/50: χ² = (100² + 100²)/5000 = 4, df 1, p = 0.0455.
    const r = sampleRatioMismatch([5100, 4900], [0.5, 0.5]);
    expect(r.chiSquare).toBeCloseTo(4, 12);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(0.04550026389635842, 10);
    expect(r.mismatch).toBe(false);
  });

  it("flags a broken split and accepts an unequal one that matches its weights", () => {
    expect(sampleRatioMismatch([5300, 4700], [1, 1]).mismatch).toBe(true);
    const threeWay = sampleRatioMismatch([3400, 3300, 3300], [0.34, 0.33, 0.33]);
    expect(threeWay.chiSquare).toBeCloseTo(0, 12);
    expect(threeWay.mismatch).toBe(false);
    expect(sampleRatioMismatch([950, 50], [0.95, 0.05]).mismatch).toBe(false);
    expect(sampleRatioMismatch([900, 100], [0.95, 0.05]).mismatch).toBe(true);
    expect(() => sampleRatioMismatch([1], [1])).toThrow(/two arms/);
  });
});
