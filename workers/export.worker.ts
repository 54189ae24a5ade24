import { expose, transfer } from 'comlink';
import { createExportService } from '../src/compute/export-service';

expose(createExportService({ transfer }));
