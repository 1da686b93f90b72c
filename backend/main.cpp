// The plenary command: serve, forum create, access-code, seed, backup.
int main() { return 0; }
