import { expose } from 'comlink';
import { createTrialWorkerService } from '../src/compute/automl-trials';

expose(createTrialWorkerService());
