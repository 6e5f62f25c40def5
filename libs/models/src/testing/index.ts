// Test helpers (@switchyard/models/testing): not part of the production barrel.
export * from './reference-math';
