// Deterministic simulation, seeds 101 to 200 (split over files so tap runs them in parallel).
import t from 'tap';
import { runSeeds } from './seeds.js';

void t.test('seeded histories under faults keep every invariant', (t) => runSeeds(t, 101, 200));
