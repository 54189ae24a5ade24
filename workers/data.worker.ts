import { expose, transfer } from 'comlink';
import { createDataService } from '../src/compute/data-service';

expose(createDataService({ transfer }));
